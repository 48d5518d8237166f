import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { Settings } from '../../config/settings.js';

/**
 * Options of the application's own Redis connection: a command never waits for Redis. Without a connection a command
 * fails at once (no offline queue), and one that gets no answer fails within a second, so that the users of the
 * client (the public rate limit, the login throttle, /health) fall back or answer "down" instead of holding a
 * request while Redis is away. The connection is remade in the background (ioredis' default retry).
 */
const OPTIONS: RedisOptions = {
  lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000,
};

/**
 * The one Redis client of the application's own use (the public rate limit, the login throttle, the health check),
 * provided by CoreModule: connected at start-up, closed once when the application closes (after its last request).
 * The Bull queues keep connections of their own.
 */
@Injectable()
export class AppRedis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis;
  /** The connection being made, shared by the callers that arrive meanwhile. */
  private connecting?: Promise<void>;
  private closed = false;

  constructor(settings: Settings) {
    this.client = new Redis(settings.REDIS_URL, OPTIONS);
    // every failed command is handled by its caller; a connection error alone would otherwise crash the process
    this.client.on('error', () => undefined);
  }

  async onModuleInit(): Promise<void> {
    if (!(await this.ready())) this.logger.warn('Redis does not answer at start-up: until it does, the public rate limit counts per instance and logins are not throttled');
  }

  /**
   * Whether the client can take commands now. A client not connected yet (or closed by Redis for good) is connected
   * first; a client reconnecting in the background answers false at once.
   */
  async ready(): Promise<boolean> {
    if (this.closed) return false;
    if (!this.connecting && (this.client.status === 'wait' || this.client.status === 'end')) {
      this.connecting = this.client.connect().catch(() => undefined).finally(() => (this.connecting = undefined));
    }
    if (this.connecting) await this.connecting;
    return this.client.status === 'ready';
  }

  /** Resolves when Redis answers a PING; rejects otherwise (the health check). */
  async ping(): Promise<void> {
    await this.ready();
    await this.client.ping();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.client.disconnect();
  }
}

/** Fails fast at start-up, with one line that says what to do, when no Redis answers. A probe closed at once. */
export async function assertRedisReachable(url: string): Promise<void> {
  const client = new Redis(url, { ...OPTIONS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch {
    throw new Error(
      `Redis is not reachable at ${url}: start one (e.g. \`redis-server --daemonize yes\`, \`apt-get install redis-server\`, or \`docker compose up -d redis\`) or set REDIS_URL.`,
    );
  } finally {
    client.disconnect();
  }
}
