import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/support/logger.js';
import { QUEUES } from '../../src/queues.js';
import { enqueueSettlement } from '../../src/settlement/enqueue-settlement.js';
import { SETTLE_JOB, settleJobId } from '../../src/settlement/settle-jobs.js';
import { createSettleWorker } from '../../workers/settle.worker.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { buildBigWorld } from './support/big-world.js';
import { ledgerFingerprint, NOW, PERIOD, RESET_SQL, settings, settlePeriod } from './support/settle-world.js';

const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
const logger = createLogger('silent');

async function waitForState(queue: Queue, jobId: string, wanted: string, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === wanted) return;
    if (state === 'failed') throw new Error(`job ${jobId} failed: ${(await queue.getJob(jobId))?.failedReason}`);
    if (Date.now() > until) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('settle worker on BullMQ', () => {
  let database: TestDatabase;
  let clean: Awaited<ReturnType<typeof ledgerFingerprint>>;
  const prefix = randomQueuePrefix();
  let queue: Queue;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    queue = new Queue(QUEUES.settle, { connection, prefix });
    await buildBigWorld(database.prisma, 60, 4);
    await settlePeriod(database.prisma, PERIOD, settings({ batchSize: 7 }));
    clean = await ledgerFingerprint(database.prisma);
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await database?.drop();
  });

  it('two workers settling the same period at once produce one settlement, the clean one', async () => {
    await database.prisma.$executeRawUnsafe(RESET_SQL);
    await buildBigWorld(database.prisma, 60, 4);
    const workers = [1, 2].map(() => createSettleWorker({
      db: database.prisma, connection, prefix, settings: settings({ batchSize: 3 }), concurrency: 3, logger, now: () => NOW,
    }));
    try {
      const [first, second] = await Promise.all([enqueueSettlement(queue, PERIOD), enqueueSettlement(queue, PERIOD)]);
      expect([first.mine, second.mine].filter(Boolean)).toHaveLength(1);
      await waitForState(queue, settleJobId(PERIOD), 'completed');
      expect(await ledgerFingerprint(database.prisma)).toEqual(clean);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  it('the period-close job queues and settles the period that just closed (after the grace)', async () => {
    await database.prisma.$executeRawUnsafe(RESET_SQL);
    await buildBigWorld(database.prisma, 60, 4);
    await queue.obliterate({ force: true });
    const worker = createSettleWorker({
      db: database.prisma, connection, prefix, settings: settings({ batchSize: 5 }), concurrency: 2, logger,
      now: () => new Date('2026-11-01T01:30:00Z'),
    });
    try {
      await queue.add(SETTLE_JOB.periodClose, {});
      await waitForState(queue, settleJobId(PERIOD), 'completed');
      expect(await ledgerFingerprint(database.prisma)).toEqual(clean);
      const [run] = await database.prisma.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM settlement_runs WHERE period = $1`, PERIOD);
      expect(run!.status).toBe('settled');
    } finally {
      await worker.close();
    }
  });

  it('a finished run queues the derivation of its notices at once', async () => {
    const notify = new Queue(QUEUES.notify, { connection, prefix });
    try {
      await notify.obliterate({ force: true });
      await database.prisma.$executeRawUnsafe(RESET_SQL);
      await buildBigWorld(database.prisma, 60, 4);
      await settlePeriod(database.prisma, PERIOD, settings({ batchSize: 7 }), { prefix });
      const job = await notify.getJob(`notices-derive-${PERIOD}`);
      expect(job?.data).toEqual({ period: PERIOD });
    } finally {
      await notify.obliterate({ force: true });
      await notify.close();
    }
  });
});
