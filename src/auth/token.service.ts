import { randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { Clock } from '../common/clock.js';
import { projectRoot } from '../common/project-root.js';
import { User } from '../users/user.entity.js';

/** The shape of a user id (users.id is a uuid column). */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Signs and checks access tokens (JWT, HS256). */
@Injectable()
export class TokenService {
  /**
   * The secret imported once as a WebCrypto key: given the bytes, jose imports them again on every call, which
   * cost about as much as the check itself on each request.
   */
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(private readonly settings: Settings, private readonly clock: Clock, private readonly ds: DataSource) {
    const secret = new TextEncoder().encode(settings.JWT_SECRET ?? TokenService.localSecret());
    this.key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  /** Outside production a secret is generated once and kept under ./var, so tokens survive restarts. */
  static localSecret(): string {
    const file = join(projectRoot(), 'var', 'jwt-secret');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    mkdirSync(dirname(file), { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    new Logger('TokenService').log(`JWT_SECRET unset: generated one in ${file}`);
    return secret;
  }

  async sign(userId: string): Promise<string> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.settings.TOKEN_TTL_HOURS * 3600)
      .sign(await this.key);
  }

  /**
   * The user id, or null for a bad or expired token, or one whose subject is not a user id at all (a uuid): such a
   * subject never reaches a query of the uuid column, so every caller (the API's guard, the pages' session) answers
   * it as a token that names no user.
   */
  async verify(token: string): Promise<string | null> {
    return (await this.claims(token))?.userId ?? null;
  }

  private async claims(token: string): Promise<{ userId: string; issuedAt: number } | null> {
    try {
      const { payload } = await jwtVerify(token, await this.key, { algorithms: ['HS256'], currentDate: this.clock.now() });
      if (typeof payload.sub !== 'string' || !USER_ID.test(payload.sub) || typeof payload.iat !== 'number') return null;
      return { userId: payload.sub, issuedAt: payload.iat };
    } catch {
      return null;
    }
  }

  /**
   * The account a token (an API bearer token or a page session's) stands for, or null: a bad or expired token, an
   * account that is gone or deactivated, or a token issued before the account's sessions were ended (a new
   * password, another role or unit). The API's guard and the pages' session both ask here.
   */
  async userOf(token: string): Promise<User | null> {
    const claims = await this.claims(token);
    if (!claims) return null;
    const user = await this.ds.getRepository(User).findOneBy({ id: claims.userId, active: true });
    if (!user) return null;
    if (user.sessionsValidFrom && claims.issuedAt * 1000 < user.sessionsValidFrom.getTime()) return null;
    return user;
  }
}
