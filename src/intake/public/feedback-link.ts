import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Settings } from '../../../config/settings.js';
import { TokenService } from '../../auth/token.service.js';

/**
 * The link that asks a citizen to rate the answer to their ticket: /danh-gia/<code>?k=<key>, the key an HMAC of the
 * ticket's id under the application's secret, so only whoever received the answer (or read the tracking page with
 * the code and the phone) can answer, and nobody can rate someone else's ticket by guessing codes.
 */
@Injectable()
export class FeedbackLinks {
  private readonly secret: string;

  constructor(private readonly settings: Settings) {
    this.secret = settings.JWT_SECRET ?? TokenService.localSecret();
  }

  key(ticketId: string): string {
    return createHmac('sha256', this.secret).update(`feedback:${ticketId}`).digest('base64url').slice(0, 24);
  }

  href(code: string, ticketId: string): string {
    return `/danh-gia/${encodeURIComponent(code)}?k=${this.key(ticketId)}`;
  }

  url(code: string, ticketId: string): string {
    return `${this.settings.PUBLIC_URL.replace(/\/$/, '')}${this.href(code, ticketId)}`;
  }

  verify(ticketId: string, key: string): boolean {
    const expected = Buffer.from(this.key(ticketId));
    const given = Buffer.from(key.slice(0, 64));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
