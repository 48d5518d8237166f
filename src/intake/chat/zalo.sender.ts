import { Injectable, Logger } from '@nestjs/common';
import { Settings } from '../../../config/settings.js';
import { Clock } from '../../common/clock.js';
import type { ChannelSender } from '../../notifications/delivery.service.js';
import { isZaloTokenError, parseZaloSendResponse, ZaloApiError, zaloSendRequest } from '../channels/outbound.js';
import { readReplyPayload } from './facebook.sender.js';
import { callPlatform, describeAnswer } from './http-call.js';
import { ZaloTokenStore } from './zalo-token.store.js';

/** Refresh a little before the recorded expiry rather than send with a token about to die. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Zalo OA customer-service message. Zalo answers HTTP 200 even on failure, with `error` ≠ 0: an invalid/expired
 * token (-216, -124) is refreshed once and the message sent again; any other error, a non-2xx answer or no answer
 * throws, so the outbox tries again with back-off and finally marks the row failed.
 */
@Injectable()
export class ZaloSender implements ChannelSender {
  private readonly logger = new Logger('ZaloSender');

  constructor(private readonly settings: Settings, private readonly tokens: ZaloTokenStore, private readonly clock: Clock) {}

  async send(_id: string, payload: Record<string, unknown>): Promise<void> {
    const p = readReplyPayload('zalo', payload);
    const stored = await this.tokens.current();
    let token = stored.accessToken;
    if (stored.expiresAt && stored.expiresAt.getTime() - EXPIRY_MARGIN_MS <= this.clock.now().getTime()) {
      token = await this.tokens.refresh(token);
    }
    let answer = await this.post(token, p.recipient, p.text);
    if (isZaloTokenError(answer)) {
      this.logger.warn(`Zalo refused the OA access token (${JSON.stringify((answer as { error: unknown }).error)}): refreshing`);
      token = await this.tokens.refresh(token);
      answer = await this.post(token, p.recipient, p.text);
    }
    try {
      parseZaloSendResponse(answer);
    } catch (e) {
      if (e instanceof ZaloApiError) throw new Error(`Zalo OA API refused the message: ${e.message}${e.code !== null ? ` (error ${e.code})` : ''}`);
      throw e;
    }
  }

  private async post(token: string, userId: string, text: string): Promise<unknown> {
    const a = await callPlatform('Zalo OA API', zaloSendRequest(this.settings.ZALO_API_URL, token, userId, text));
    if (!a.ok) throw new Error(describeAnswer('Zalo OA API', a));
    return a.json;
  }
}
