import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MailSender } from './mail.sender.js';
import type { OutboxChannel } from './outbox-message.entity.js';
import { OutboxService, type EmailPayload } from './outbox.service.js';

/** Sends one claimed message; channel replies (Zalo, Facebook) register their sender here. */
export interface ChannelSender {
  send(id: string, payload: Record<string, unknown>): Promise<void>;
}

/** Attempts at recording a message as sent, and the pause before each retry: a send must not be repeated for a blip. */
const MARK_SENT_RETRIES_MS = [500, 1000, 2000];

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
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.outbox.markSent(id);
      } catch (e) {
        const wait = MARK_SENT_RETRIES_MS[attempt];
        if (wait === undefined) {
          this.logger.error(`${channel} message ${id} was sent but could not be recorded as sent: ${(e as Error).message}`);
          throw e;
        }
        await sleep(wait);
      }
    }
  }
}
