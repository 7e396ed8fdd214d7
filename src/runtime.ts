import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { QUEUES, type QueueName } from './queues.js';
import { createLogger, type Logger } from './support/logger.js';
import { createMetrics, type Metrics } from './support/metrics.js';
import { createRedis, ensureRedis, type RedisHandle } from './support/redis.js';

/**
 * The composition root's parts, opened on demand and closed in reverse order.
 * `flattr start` uses all of them; a CLI command opens only what it needs
 * (an import against a running hub never opens the database).
 */
export class Runtime {
  readonly logger: Logger;
  readonly metrics: Metrics;
  private database?: Promise<Database>;
  private redisHandle?: Promise<RedisHandle>;
  private client?: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(readonly config: Config, options: { logger?: Logger; metrics?: Metrics } = {}) {
    this.logger = options.logger ?? createLogger(config.logLevel, 'flattr', { pretty: config.logFormat === 'pretty' });
    this.metrics = options.metrics ?? createMetrics();
  }

  /** The database, migrated (migrations are advisory-locked, so every process may run them). */
  db(): Promise<Database> {
    this.database ??= (async () => {
      const database = await openDatabase(this.config.database);
      this.closers.push(() => database.close());
      const { applied } = await migrate(database.prisma);
      if (applied.length) this.logger.info({ applied }, 'migrations applied');
      return database;
    })();
    return this.database;
  }

  redisUrl(): Promise<string> {
    this.redisHandle ??= ensureRedis(this.config.redis.url, this.config.dataDir, this.logger).then((handle) => {
      this.closers.push(() => handle.stop());
      return handle;
    });
    return this.redisHandle.then((h) => h.url);
  }

  /** A shared non-blocking client (counters, pings). Workers get their own connections. */
  async redis(): Promise<Redis> {
    if (!this.client) {
      const client = createRedis(await this.redisUrl());
      client.on('error', (error) => this.logger.warn({ err: error }, 'redis client error'));
      this.client = client;
      this.closers.push(async () => void (await client.quit().catch(() => client.disconnect())));
    }
    return this.client;
  }

  async queue(name: QueueName): Promise<Queue> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: { url: await this.redisUrl() }, prefix: this.config.redis.queuePrefix });
      queue.on('error', (error) => this.logger.warn({ err: error, queue: name }, 'queue error'));
      this.queues.set(name, queue);
      const q = queue;
      this.closers.push(() => q.close());
    }
    return queue;
  }

  /** Connection options for a BullMQ worker (it opens its own blocking connection). */
  async workerConnection() {
    return { url: await this.redisUrl(), maxRetriesPerRequest: null };
  }

  onClose(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    for (const closer of this.closers.splice(0).reverse()) {
      await closer().catch((error: unknown) => this.logger.warn({ err: error }, 'error while closing'));
    }
  }
}

export const ALL_QUEUES = Object.values(QUEUES);
