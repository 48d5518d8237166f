import { Injectable, Logger } from '@nestjs/common';
import { MailSender } from './mail.sender.js';
import type { OutboxChannel } from './outbox-message.entity.js';
import { OutboxService, type EmailPayload } from './outbox.service.js';

/** Sends one claimed message; channel replies (Zalo, Facebook) register their sender here. */
export interface ChannelSender {
  send(id: string, payload: Record<string, unknown>): Promise<void>;
}

/** The only place that delivers messages: claim, send, record the outcome. */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly senders = new Map<OutboxChannel, ChannelSender>();

  constructor(private readonly outbox: OutboxService, mail: MailSender) {
    this.senders.set('email', { send: (id, p) => mail.send(id, p as unknown as EmailPayload) });
  }

  register(channel: OutboxChannel, sender: ChannelSender): void {
    this.senders.set(channel, sender);
  }

  async deliver(id: string): Promise<'sent' | 'skipped' | 'retry'> {
    const msg = await this.outbox.claim(id);
    if (!msg) return 'skipped';
    const sender = this.senders.get(msg.channel);
    try {
      if (!sender) throw new Error(`no sender for channel ${msg.channel} (is the channel configured?)`);
      await sender.send(msg.id, msg.payload);
      await this.outbox.markSent(msg.id);
      return 'sent';
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.logger.warn(`delivery of ${msg.channel} message ${msg.id} failed (attempt ${msg.attempts}): ${error}`);
      await this.outbox.markFailed(msg, error);
      return 'retry';
    }
  }
}
