import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { QUEUES } from '../../src/queues.js';
import { enqueueSettlement } from '../../src/settlement/enqueue-settlement.js';
import { settleJobId } from '../../src/settlement/settle-jobs.js';
import type { SettleStage } from '../../src/settlement/settlement-stages.js';
import { waitForSettlement } from '../../src/settlement/wait-for-settlement.js';
import { createLogger } from '../../src/support/logger.js';
import { createSettleWorker } from '../../workers/settle.worker.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { buildBigWorld } from './support/big-world.js';
import { ledgerFingerprint, MIXED_WORLD, NOW, PERIOD, RESET_SQL, settings, settlePeriod, useSettleWorld } from './support/settle-world.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
const SUPPORTERS = 1500;

/**
 * Crash injection with a real process: a `flattr start --role worker` hub is
 * killed with SIGKILL in the middle of settling, another worker takes the
 * run over, and the ledger must be the one a clean run gives.
 */
describe('kill -9 of a settling worker process', () => {
  let database: TestDatabase;
  let queue: Queue;
  let dataDir: string;
  const prefix = randomQueuePrefix();
  let hub: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    queue = new Queue(QUEUES.settle, { connection, prefix });
    dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-kill-'));
  });
  afterAll(async () => {
    hub?.kill('SIGKILL');
    for (const name of [QUEUES.settle, QUEUES.escrow, QUEUES.likes]) {
      const q = new Queue(name, { connection, prefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await queue?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const settledCount = async () => (await database.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM supporter_settlements WHERE period = $1`, PERIOD))[0]!.n;

  it('restarts and gives the clean ledger, with no double credit', async () => {
    await buildBigWorld(database.prisma, SUPPORTERS, 3);
    hub = spawn(process.execPath, ['bin/flattr.js', 'start', '--role', 'worker'], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: dataDir, LOG_LEVEL: 'warn',
        SETTLEMENT_BATCH_SIZE: '3', SETTLEMENT_CONCURRENCY: '2', SETTLEMENT_LOCK_SECONDS: '1',
      },
    });
    let stderr = '';
    hub.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    for (let i = 0; (await queue.getWorkersCount()) === 0; i++) {
      if (i > 300 || hub.exitCode !== null) throw new Error(`the worker hub did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await enqueueSettlement(queue, PERIOD);

    let atKill = 0;
    for (let i = 0; atKill < 30; i++) {
      if (i > 3000) throw new Error('the hub never started settling');
      await new Promise((r) => setTimeout(r, 10));
      atKill = await settledCount();
    }
    hub.kill('SIGKILL');
    await new Promise((r) => hub!.once('exit', r));
    const afterKill = await settledCount();
    expect(afterKill).toBeLessThan(SUPPORTERS);

    const worker = createSettleWorker({
      db: database.prisma, connection, prefix, settings: settings({ batchSize: 3 }), concurrency: 2, lockMs: 1000,
      logger: createLogger('silent'), now: () => NOW,
    });
    try {
      for (let i = 0; (await queue.getJobState(settleJobId(PERIOD))) !== 'completed'; i++) {
        if (i > 900) throw new Error(`settlement not completed after the restart: ${await queue.getJobState(settleJobId(PERIOD))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await worker.close();
    }
    const recovered = await ledgerFingerprint(database.prisma);
    expect(await verifyLedger(database.prisma)).toMatchObject({ ok: true });

    await database.prisma.$executeRawUnsafe(RESET_SQL);
    await buildBigWorld(database.prisma, SUPPORTERS, 3);
    await settlePeriod(database.prisma, PERIOD, settings({ batchSize: 50 }), { concurrency: 2 });
    expect(recovered).toEqual(await ledgerFingerprint(database.prisma));
  }, 120_000);
});

const SPEC = MIXED_WORLD;

/**
 * The crash points of resume.test.ts, as a real `kill -9`: a worker process
 * (test/settlement/support/crash-worker.ts) kills itself when the run reaches
 * the stage, inside a batch's transaction for `batch-written`; a second
 * worker takes its stalled jobs over and the ledger is the clean run's.
 */
describe('kill -9 of the settle worker at every stage', () => {
  const { db, url, reset } = useSettleWorld(SPEC);
  let clean: Awaited<ReturnType<typeof ledgerFingerprint>>;

  beforeAll(async () => {
    await reset();
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }));
    clean = await ledgerFingerprint(db());
  });

  const stages: [SettleStage, number][] = [
    ['opened', 1], ['batch-written', 1], ['batch-written', 3], ['batch-committed', 1], ['batch-committed', 4], ['batches-done', 1], ['finished', 1],
  ];
  it.each(stages)('killed at %s (occurrence %i), another worker takes the run over: the clean ledger, no double credit', async (stage, nth) => {
    const prefix = randomQueuePrefix();
    const queue = new Queue(QUEUES.settle, { connection, prefix });
    const child = spawn(process.execPath, [
      '--import', 'tsx', 'test/settlement/support/crash-worker.ts', url(), TEST_REDIS_URL, prefix, stage, String(nth), '3', 'charity',
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      for (let i = 0; !output.includes('ready'); i++) {
        if (i > 600 || child.exitCode !== null) throw new Error(`the crashing worker did not start: ${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const { job } = await enqueueSettlement(queue, PERIOD);
      const [, signal] = await exited;
      expect(signal).toBe('SIGKILL');

      const takeover = createSettleWorker({
        db: db(), connection, prefix, settings: settings({ policy: 'charity', batchSize: 3 }), concurrency: 1, lockMs: 1000,
        logger: createLogger('silent'), now: () => NOW,
      });
      try {
        await waitForSettlement(queue, PERIOD, job.id!, { intervalMs: 50 });
      } finally {
        await takeover.close();
      }
      expect(await ledgerFingerprint(db())).toEqual(clean);
      expect(await verifyLedger(db())).toMatchObject({ ok: true });
    } finally {
      child.kill('SIGKILL');
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  }, 60_000);
});
