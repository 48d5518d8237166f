import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Settings } from '../../../config/settings.js';
import { AppRedis } from '../../common/app-redis.js';

/** A call as the consoles are told of it (national number, ISO instants). */
export interface CallAnnouncement {
  callId: string;
  callerNumber: string;
  startedAt: string;
  announcedAt: string;
  /** The operator's username the exchange put the call through to; null: any operator. */
  operator: string | null;
  /** Set once the call has its ticket (a new one, or an existing one it was added to): the consoles drop it. */
  ticketCode?: string | null;
}

/** What a console's stream does with the announcements (see CallAnnouncements.listen). */
export interface CallListener {
  /** A call announced on any instance. */
  call(announcement: CallAnnouncement): void;
  /** The subscription came back after a break: announcements may have been missed, read the pending calls again. */
  resync(): void;
}

/** How long a new listener waits for the subscription before it goes on without it (Redis away). */
const SUBSCRIBE_WAIT_MS = 2000;

/**
 * Announced calls told to every instance's consoles through Redis pub/sub, so that the operator's console shows a
 * call whichever instance the exchange reached. Publishing goes through the application's one client (AppRedis: it
 * never waits; while Redis is away nothing is published and the consoles catch up from the database when the
 * subscription comes back, see `CallListener.resync`). A subscriber needs a connection of its own: made when the first
 * console listens, closed with the application. The channel carries the deployment's QUEUE_PREFIX.
 */
@Injectable()
export class CallAnnouncements implements OnModuleDestroy {
  private readonly logger = new Logger('CallAnnouncements');
  private readonly channel: string;
  private readonly listeners = new Set<CallListener>();
  private subscriber?: Redis;
  private subscribed?: Promise<unknown>;
  private closed = false;

  constructor(private readonly redis: AppRedis, private readonly settings: Settings) {
    this.channel = `${settings.QUEUE_PREFIX}:calls:announced`;
  }

  /** Tells every instance's consoles; false when Redis could not take it (the call is in the database all the same). */
  async publish(announcement: CallAnnouncement): Promise<boolean> {
    try {
      if (!(await this.redis.ready())) return false;
      await this.redis.client.publish(this.channel, JSON.stringify(announcement));
      return true;
    } catch (e) {
      this.logger.warn(`call ${announcement.callId} not published: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  /**
   * Starts telling `listener` of every announcement; resolves once the subscription is in place (or after
   * SUBSCRIBE_WAIT_MS without Redis: the listener is told to resync when it comes). The function returned stops it.
   */
  async listen(listener: CallListener): Promise<() => void> {
    this.listeners.add(listener);
    const subscribed = this.subscribe();
    await Promise.race([subscribed.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_WAIT_MS).unref())]);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private subscribe(): Promise<unknown> {
    if (this.subscribed) return this.subscribed;
    const sub = new Redis(this.settings.REDIS_URL, { maxRetriesPerRequest: null, connectTimeout: 2000 });
    this.subscriber = sub;
    // a lost connection is remade in the background (ioredis subscribes again); the error is not the caller's
    sub.on('error', () => undefined);
    let readyBefore = false;
    sub.on('ready', () => {
      if (readyBefore) for (const l of this.listeners) l.resync();
      readyBefore = true;
    });
    sub.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let announcement: CallAnnouncement;
      try {
        announcement = JSON.parse(text) as CallAnnouncement;
      } catch {
        return;
      }
      for (const l of this.listeners) l.call(announcement);
    });
    this.subscribed = sub.subscribe(this.channel);
    this.subscribed.catch((e: unknown) => {
      if (!this.closed) this.logger.warn(`not subscribed to call announcements yet: ${e instanceof Error ? e.message : String(e)}`);
    });
    return this.subscribed;
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.listeners.clear();
    this.subscriber?.disconnect();
  }
}
