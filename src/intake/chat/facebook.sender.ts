import { Injectable } from '@nestjs/common';
import { Settings } from '../../../config/settings.js';
import type { ChannelSender } from '../../notifications/delivery.service.js';
import { facebookSendRequest } from '../channels/outbound.js';
import { callPlatform, describeAnswer } from './http-call.js';

/** Outbox payload of a chat reply, as CitizenReplyService writes it. */
export interface ChatReplyPayload {
  recipient: string;
  pageId: string | null;
  text: string;
}

export function readReplyPayload(channel: string, p: Record<string, unknown>): ChatReplyPayload {
  if (typeof p.recipient !== 'string' || p.recipient === '' || typeof p.text !== 'string') {
    throw new Error(`${channel} outbox payload lacks recipient or text`);
  }
  return { recipient: p.recipient, pageId: typeof p.pageId === 'string' && p.pageId !== '' ? p.pageId : null, text: p.text };
}

/**
 * Messenger Send API, from the page the citizen wrote to (payload.pageId; "me", the token's own page, when unknown).
 * Anything but a 2xx throws, so the outbox tries again with back-off and finally marks the row failed.
 */
@Injectable()
export class FacebookSender implements ChannelSender {
  constructor(private readonly settings: Settings) {}

  async send(_id: string, payload: Record<string, unknown>): Promise<void> {
    const p = readReplyPayload('facebook', payload);
    const req = facebookSendRequest(this.settings.FACEBOOK_GRAPH_URL, p.pageId ?? 'me', this.settings.FACEBOOK_PAGE_ACCESS_TOKEN!, p.recipient, p.text);
    const answer = await callPlatform('Facebook Send API', req);
    if (!answer.ok) throw new Error(describeAnswer('Facebook Send API', answer));
  }
}
