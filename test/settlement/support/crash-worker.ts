/**
 * A settle worker process that kills itself with SIGKILL the nth time the run
 * reaches a stage: `kill -9` at a chosen point, for kill-worker.test.ts. Run
 * with `node --import tsx`; prints "ready" once the worker consumes.
 *   args: DATABASE_URL REDIS_URL QUEUE_PREFIX STAGE NTH BATCH_SIZE POLICY
 */
import { openDatabase } from '../../../src/db/database.js';
import type { UnspentPolicy } from '../../../src/domain/split.js';
import { createLogger } from '../../../src/support/logger.js';
import { createSettleWorker } from '../../../workers/settle.worker.js';

const [url, redisUrl, prefix, stage, nth, batchSize, policy] = process.argv.slice(2);
const database = await openDatabase({ url: url!, pgliteDir: '' });
let seen = 0;
const settle = createSettleWorker({
  db: database.prisma, connection: { url: redisUrl!, maxRetriesPerRequest: null }, prefix: prefix!, concurrency: 1, lockMs: 1000,
  settings: { feeBps: 1000, policy: policy as UnspentPolicy, batchSize: Number(batchSize), timeZone: 'UTC', graceMinutes: 60 },
  logger: createLogger('silent'), now: () => new Date('2026-12-01T00:00:00Z'),
  onStage: (reached) => {
    if (reached === stage && ++seen === Number(nth)) process.kill(process.pid, 'SIGKILL');
  },
});
await settle.worker.waitUntilReady();
process.stdout.write('ready\n');
