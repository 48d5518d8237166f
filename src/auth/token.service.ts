import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import { Settings } from '../../config/settings.js';
import { Clock } from '../common/clock.js';
import { projectRoot } from '../common/project-root.js';

/** The shape of a user id (users.id is a uuid column). */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Signs and checks access tokens (JWT, HS256). */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;

  constructor(private readonly settings: Settings, private readonly clock: Clock) {
    this.key = new TextEncoder().encode(settings.JWT_SECRET ?? TokenService.localSecret());
  }

  /** Outside production a secret is generated once and kept under ./var, so tokens survive restarts. */
  private static localSecret(): string {
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
      .sign(this.key);
  }

  /**
   * The user id, or null for a bad or expired token, or one whose subject is not a user id at all (a uuid): such a
   * subject never reaches a query of the uuid column, so every caller (the API's guard, the pages' session) answers
   * it as a token that names no user.
   */
  async verify(token: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], currentDate: this.clock.now() });
      return typeof payload.sub === 'string' && USER_ID.test(payload.sub) ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
