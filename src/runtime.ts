import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { explainDatabaseError } from './db/database-unavailable-error.js';
import { QUEUES, type QueueName } from './queues.js';
import { createLogger, type Logger } from './support/logger.js';
import { createMetrics, type Metrics } from './support/metrics.js';
import type { RedisHandle } from './support/redis.js';

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
  private readonly closers: Closer[] = [];

  constructor(readonly config: Config, options: { logger?: Logger; metrics?: Metrics } = {}) {
    this.logger = options.logger ?? createLogger(config.logLevel, 'flattr', { pretty: config.logFormat === 'pretty' });
    this.metrics = options.metrics ?? createMetrics();
  }

  /**
   * The database, migrated (migrations are advisory-locked, so every process
   * may run them). On the embedded default, a command finding a running hub
   * uses the hub's database through its socket; `share` (the hub, on the
   * first call) owns it instead and may serve it (database.serve).
   */
  db(options: { share?: boolean } = {}): Promise<Database> {
    this.database ??= (async () => {
      const database = await openDatabase({ ...this.config.database, share: options.share });
      this.closers.push({ name: 'database', run: () => database.close(), essential: true });
      if (database.hubPid) this.logger.info({ hub: database.hubPid }, 'using the embedded database of the running hub');
      // The first query: where a missing database or an unreachable server shows up.
      const { applied } = await migrate(database.prisma).catch((error: unknown) => {
        throw explainDatabaseError(error, this.config.database.url);
      });
      if (applied.length) this.logger.info({ applied }, 'migrations applied');
      return database;
    })();
    return this.database;
  }

  redisUrl(): Promise<string> {
    // BullMQ and ioredis load on first use: a command that only reads the database never pays for them.
    this.redisHandle ??= import('./support/redis.js').then(({ ensureRedis }) => ensureRedis(this.config.redis.url, this.config.dataDir, this.logger)).then((handle) => {
      this.closers.push({ name: 'redis child', run: () => handle.stop(), essential: true });
      return handle;
    });
    return this.redisHandle.then((h) => h.url);
  }

  /** A shared non-blocking client (counters, pings). Workers get their own connections. */
  async redis(): Promise<Redis> {
    if (!this.client) {
      const { createRedis } = await import('./support/redis.js');
      const client = createRedis(await this.redisUrl());
      client.on('error', (error) => this.logger.warn({ err: error }, 'redis client error'));
      this.client = client;
      // QUIT waits for Redis to answer; a Redis that is gone never does.
      this.closers.push({
        name: 'redis client',
        run: async () => {
          await within(client.quit(), 500).catch(() => undefined);
          client.disconnect();
        },
      });
    }
    return this.client;
  }

  async queue(name: QueueName): Promise<Queue> {
    let queue = this.queues.get(name);
    if (!queue) {
      const { Queue } = await import('bullmq');
      queue = new Queue(name, { connection: { url: await this.redisUrl() }, prefix: this.config.redis.queuePrefix });
      queue.on('error', (error) => this.logger.warn({ err: error, queue: name }, 'queue error'));
      this.queues.set(name, queue);
      const q = queue;
      this.closers.push({ name: `queue ${name}`, run: () => q.close(), force: () => void q.disconnect().catch(() => undefined) });
    }
    return queue;
  }

  /** Connection options for a BullMQ worker (it opens its own blocking connection). */
  async workerConnection() {
    return { url: await this.redisUrl(), maxRetriesPerRequest: null };
  }

  /** Registers something to close, in reverse order of registration; `force` is called when it did not close in time. */
  onClose(run: () => Promise<void>, options: { name?: string; force?: () => void } = {}): void {
    this.closers.push({ name: options.name ?? `part ${this.closers.length + 1}`, run, force: options.force });
  }

  /**
   * Closes everything, within `deadlineMs` even when Redis or the database is
   * gone (their clients would otherwise wait for an answer that never comes).
   * Each part gets at most STEP_MS; once the deadline has passed, only the
   * essential parts (the database, a child Redis) still get their turn, so
   * what they hold is flushed. Nothing committed is at risk: a part abandoned
   * here is what the next start picks up (queued jobs stay in Redis).
   */
  async close(options: { deadlineMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.deadlineMs ?? Number.POSITIVE_INFINITY);
    // Once one part hung, the service it waited for is likely gone for the rest too.
    let step = STEP_MS;
    for (const closer of this.closers.splice(0).reverse()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 && !closer.essential) {
        closer.force?.();
        this.logger.warn({ part: closer.name }, 'shutdown deadline passed: not closed');
        continue;
      }
      const limit = Math.max(Math.min(remaining, step), closer.essential ? ESSENTIAL_MS : 0);
      const outcome = await within(closer.run(), limit).then(() => 'closed', (error: unknown) => error);
      if (outcome === TIMED_OUT) {
        closer.force?.();
        step = DEGRADED_STEP_MS;
        this.logger.warn({ part: closer.name, waitedMs: limit }, 'did not close in time: abandoned (is Redis or the database reachable?)');
      } else if (outcome !== 'closed') {
        this.logger.warn({ err: outcome, part: closer.name }, 'error while closing');
      }
    }
  }
}

type Closer = { name: string; run: () => Promise<void>; force?: () => void; essential?: boolean };

/** No single part may hold a stop for long: SIGTERM must end the process within 10 s. */
const STEP_MS = 1500;
const ESSENTIAL_MS = 1500;
const DEGRADED_STEP_MS = 300;
const TIMED_OUT = Symbol('timed out');

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export const ALL_QUEUES = Object.values(QUEUES);
