import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Settings } from '../../../config/settings.js';

/** The hidden field people never see or fill; bots that fill every input do. */
export const HONEYPOT_FIELD = 'website';
/** The signed time at which the form was rendered, with a random part that makes each rendering's token its own. */
export const FORM_TOKEN_FIELD = 'ts';

/** Nobody reads the form, types a name, a phone number and a complaint, and sends it in less than this. */
export const MIN_FILL_MS = 2000;
/** A form older than this is refused (kindly: re-rendered with the values kept), so tokens cannot be hoarded. */
export const MAX_FORM_AGE_MS = 24 * 3600_000;

/**
 * What the bot trap makes of a submission:
 * - `spam`: the honeypot is filled, or the form token is missing altogether (the POST did not come from our page).
 *   A person never does either, so the answer looks exactly like success (a code is shown) and nothing is created:
 *   a bot learns nothing to adapt to.
 * - `too_fast` (sent within MIN_FILL_MS of rendering), `invalid` (a token we did not sign, e.g. from before a
 *   secret change) or `expired` (older than MAX_FORM_AGE_MS): a person could, rarely, get here, so these are
 *   refused openly: the form comes back with every value kept and a short note, and sending it again works.
 * - `ok`: go on to the validation of the fields.
 */
export type TrapVerdict = 'ok' | 'spam' | 'too_fast' | 'invalid' | 'expired';

/**
 * The signed render token of the web form: `<ms>.<nonce>.<signature>`. The time measures how long a person spent on
 * the page, so it reads the process's wall clock, not the application Clock (which tests stand still and which
 * stands for business time). The random nonce makes every rendering's token unique (two forms rendered in the same
 * millisecond differ), so that the token also names one filled-in form: its hash is the submission's idempotency
 * key (see idempotencyKey), and a double click on "Gửi" makes one ticket.
 * The key derives from JWT_SECRET, so every instance checks the tokens of every other one; without it (development)
 * a key is made per process, and a form rendered before a restart is merely re-rendered (`invalid`), as is one
 * rendered before the nonce was added.
 */
@Injectable()
export class FormTokens {
  private readonly key: Buffer;

  constructor(settings: Settings) {
    const secret = settings.JWT_SECRET ?? randomBytes(32).toString('hex');
    this.key = createHmac('sha256', secret).update('hotline-1022/public-form-token/v1').digest();
  }

  issue(now = Date.now()): string {
    const signed = `${now}.${randomBytes(12).toString('base64url')}`;
    return `${signed}.${this.sign(signed)}`;
  }

  /** When the token was issued, or null when it is not one of ours. */
  issuedAt(token: string): number | null {
    const m = /^((\d{10,16})\.[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const expected = Buffer.from(this.sign(m[1]));
    const given = Buffer.from(m[3]);
    return given.length === expected.length && timingSafeEqual(given, expected) ? Number(m[2]) : null;
  }

  /**
   * The idempotency key of a submission of the form rendered with this token (which judge() found `ok`): the same
   * for every submission of that rendering, and nothing an observer of the key could send back as a token.
   */
  idempotencyKey(token: string): string {
    return createHash('sha256').update(`hotline-1022/public-form-submission/v1:${token}`).digest('base64url');
  }

  judge(body: Record<string, unknown>, now = Date.now()): TrapVerdict {
    const honeypot = body[HONEYPOT_FIELD];
    if (typeof honeypot === 'string' ? honeypot.trim() !== '' : honeypot !== undefined) return 'spam';
    const token = body[FORM_TOKEN_FIELD];
    if (typeof token !== 'string' || token === '') return 'spam';
    const at = this.issuedAt(token);
    if (at === null) return 'invalid';
    if (now - at > MAX_FORM_AGE_MS) return 'expired';
    if (now - at < MIN_FILL_MS) return 'too_fast';
    return 'ok';
  }

  private sign(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }
}
