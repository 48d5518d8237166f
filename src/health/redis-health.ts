import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Settings } from '../../config/settings.js';

/** A small Redis connection used only to answer health checks. */
@Injectable()
export class RedisHealth implements OnModuleDestroy {
  private readonly client: Redis;
  /** The first connection, shared by the checks that arrive while it is being made. */
  private connecting?: Promise<void>;

  constructor(settings: Settings) {
    this.client = new Redis(settings.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
    this.client.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    if (!this.connecting && (this.client.status === 'wait' || this.client.status === 'end')) {
      this.connecting = this.client.connect().finally(() => (this.connecting = undefined));
    }
    if (this.connecting) await this.connecting;
    await this.client.ping();
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}

/** Fails fast at start-up, with one line that says what to do, when no Redis answers. */
export async function assertRedisReachable(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: () => null });
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
