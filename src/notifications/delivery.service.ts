import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MailSender } from './mail.sender.js';
import type { OutboxChannel } from './outbox-message.entity.js';
import { ABANDONED_MS, OutboxService, type EmailPayload } from './outbox.service.js';

/** Sends one claimed message; channel replies (Zalo, Facebook) register their sender here. */
export interface ChannelSender {
  send(id: string, payload: Record<string, unknown>): Promise<void>;
}

/**
 * Recording a message as sent is tried again, with pauses growing from 0.5 s to MARK_SENT_MAX_PAUSE_MS, for as long
 * as the relay would not yet take the message for abandoned (ABANDONED_MS after its claim, less a margin): a database
 * that stalls or restarts for up to about four minutes leaves the message sent once. Longer, the message may go out
 * a second time (with the same Message-ID), which is logged.
 */
export const MARK_SENT_MAX_PAUSE_MS = 5_000;
export const MARK_SENT_RETRY_FOR_MS = ABANDONED_MS - 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The only place that delivers messages: claim, send, record the outcome. When the process stops, deliveries under
 * way are finished and recorded before the database pool closes (so a restart does not send them again), a message
 * claimed but not yet being sent is handed back, and nothing new is claimed.
 */
@Injectable()
export class DeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly senders = new Map<OutboxChannel, ChannelSender>();
  private readonly underWay = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(private readonly outbox: OutboxService, mail: MailSender) {
    this.senders.set('email', { send: (id, p) => mail.send(id, p as unknown as EmailPayload) });
  }

  register(channel: OutboxChannel, sender: ChannelSender): void {
    this.senders.set(channel, sender);
  }

  async deliver(id: string): Promise<'sent' | 'skipped' | 'retry'> {
    // stopping: left pending for the relay of a running instance (or of this one after its restart)
    if (this.stopping) return 'skipped';
    const delivery = this.claimAndSend(id);
    this.underWay.add(delivery);
    try {
      return await delivery;
    } finally {
      this.underWay.delete(delivery);
    }
  }

  /** Stops claiming, and waits for the deliveries under way (each ends: the mail sender has its own timeouts). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.underWay.size) this.logger.log(`waiting for ${this.underWay.size} delivery(ies) under way`);
    await Promise.allSettled([...this.underWay]);
  }

  private async claimAndSend(id: string): Promise<'sent' | 'skipped' | 'retry'> {
    const msg = await this.outbox.claim(id);
    if (!msg) return 'skipped';
    if (this.stopping) {
      await this.outbox.release(msg.id);
      return 'skipped';
    }
    const sender = this.senders.get(msg.channel);
    try {
      if (!sender) throw new Error(`no sender for channel ${msg.channel} (is the channel configured?)`);
      await sender.send(msg.id, msg.payload);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.logger.warn(`delivery of ${msg.channel} message ${msg.id} failed (attempt ${msg.attempts}): ${error}`);
      await this.outbox.markFailed(msg, error);
      return 'retry';
    }
    await this.markSent(msg.id, msg.channel);
    return 'sent';
  }

  /**
   * Records the message as sent, trying again through a short database outage: a message left "sending" would be
   * taken for abandoned and sent a second time.
   */
  private async markSent(id: string, channel: OutboxChannel): Promise<void> {
    const giveUpAt = Date.now() + MARK_SENT_RETRY_FOR_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.outbox.markSent(id);
        if (attempt > 0) this.logger.log(`${channel} message ${id} recorded as sent after ${attempt + 1} attempts`);
        return;
      } catch (e) {
        const wait = Math.min(500 * 2 ** attempt, MARK_SENT_MAX_PAUSE_MS);
        if (attempt === 0) this.logger.warn(`${channel} message ${id} was sent; recording it as sent failed, trying again: ${(e as Error).message}`);
        if (Date.now() + wait > giveUpAt) {
          this.logger.error(`${channel} message ${id} was sent but could not be recorded as sent: ${(e as Error).message}; it may be sent again after ${ABANDONED_MS / 60_000} minutes`);
          throw e;
        }
        await sleep(wait);
      }
    }
  }
}
