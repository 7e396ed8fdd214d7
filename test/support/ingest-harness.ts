import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createIngestWorker } from '../../workers/ingest.worker.js';
import type { Db } from '../../src/db/database.js';
import { QUEUES } from '../../src/queues.js';
import { createLogger } from '../../src/support/logger.js';
import { createMetrics } from '../../src/support/metrics.js';
import { TEST_REDIS_URL } from './env.js';
import { randomQueuePrefix } from './queue.js';

/** The likes queue and an ingest worker on a fresh prefix, against a test database; `now`: the clock it counts periods by (a test world's). */
export async function startIngest(db: Db, options: { timeZone?: string; batchSize?: number; concurrency?: number; batchesInFlight?: number; now?: () => Date } = {}) {
  const prefix = randomQueuePrefix();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.likes, { connection: { url: TEST_REDIS_URL }, prefix });
  const metrics = createMetrics();
  const ingest = createIngestWorker({
    db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, redis, prefix,
    timeZone: options.timeZone ?? 'UTC', concurrency: options.concurrency ?? 100, batchSize: options.batchSize ?? 500, batchesInFlight: options.batchesInFlight,
    logger: createLogger('silent'), metrics, now: options.now,
  });
  await ingest.worker.waitUntilReady();
  return {
    prefix, redis, queue, metrics, worker: ingest.worker,
    async close() {
      await ingest.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      redis.disconnect();
    },
  };
}
