import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { periodOf, previousPeriod } from '../../src/domain/period.js';
import { startHub } from '../../src/main.js';
import { QUEUES } from '../../src/queues.js';
import { duePeriods } from '../../src/settlement/period-close.js';
import type { PeriodRow } from '../../src/settlement/list-periods.js';
import { CATCH_UP_JOB_ID, SETTLE_JOB } from '../../src/settlement/settle-jobs.js';
import type { StageHook } from '../../src/settlement/settlement-stages.js';
import { createLogger } from '../../src/support/logger.js';
import { createSettleWorker } from '../../workers/settle.worker.js';
import { runCli } from '../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { buildWorld, RESET_SQL, settings, TEST_CONNECTION } from './support/settle-world.js';

// Periods relative to the real clock (the CLI reads it), with no grace: every month before this one is closed.
const current = periodOf(new Date(), 'UTC');
const p1 = previousPeriod(current);
const p2 = previousPeriod(p1);
const p3 = previousPeriod(p2);
const SETTINGS = settings({ graceMinutes: 0 });

describe('periods that always settle: the period-close catch-up', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  const db = () => database.prisma;
  beforeAll(async () => { database = await createPostgresDatabase(); });
  afterAll(async () => { await database?.drop(); });

  /**
   * One supporter (budget 10.00, wallet 25.00) with a flattr in each of three
   * closed months and one in the current month, and no run: settled oldest
   * first, the wallet pays 10.00, 10.00, then the 5.00 left.
   */
  const build = async () => {
    await db().$executeRawUnsafe(RESET_SQL);
    await buildWorld(db(), {
      recipients: [{ claimed: false }],
      supporters: [{ currency: 'EUR', budget: 1000n, wallet: 2500n, flattrs: [0, 1, 2, 3].map(() => ({ recipient: 0, active: true })) }],
    });
    await db().$executeRawUnsafe(
      `UPDATE flattrs SET period = CASE right(item, 1) WHEN '0' THEN $1 WHEN '1' THEN $2 WHEN '2' THEN $3 ELSE $4 END`, p3, p2, p1, current);
  };
  const charged = () => db().$queryRawUnsafe<{ period: string; charged: number }[]>(
    `SELECT trim(period) AS period, charged::int FROM supporter_settlements ORDER BY period`);
  const runs = () => db().$queryRawUnsafe<{ period: string; status: string }[]>(`SELECT trim(period) AS period, status FROM settlement_runs ORDER BY period`);
  const until = async (what: string, done: () => Promise<boolean>) => {
    for (let i = 0; i < 600; i++) {
      if (await done()) return;
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const worker = (prefix: string, onStage: StageHook) => createSettleWorker({
    db: db(), connection: TEST_CONNECTION, prefix, settings: SETTINGS, concurrency: 2, logger: createLogger('silent'), onStage,
  });

  it('one period-close tick settles every closed period with flattrs, oldest first, one after the other', async () => {
    await build();
    const prefix = randomQueuePrefix();
    const events: string[] = [];
    const settle = worker(prefix, (stage, { period }) => { if (stage === 'opened' || stage === 'finished') events.push(`${stage} ${period}`); });
    const queue = new Queue(QUEUES.settle, { connection: TEST_CONNECTION, prefix });
    try {
      // What the monthly job scheduler adds.
      await queue.add(SETTLE_JOB.periodClose, {});
      await until('the catch-up to settle three periods and end', async () =>
        (await runs()).filter((r) => r.status === 'settled').length === 3 && !(await queue.getJob(CATCH_UP_JOB_ID)));
      expect(events).toEqual([`opened ${p3}`, `finished ${p3}`, `opened ${p2}`, `finished ${p2}`, `opened ${p1}`, `finished ${p1}`]);
      expect(await charged()).toEqual([{ period: p3, charged: 1000 }, { period: p2, charged: 1000 }, { period: p1, charged: 500 }]);
      // The current month is not closed: its flattr waits for its own run.
      expect((await runs()).map((r) => r.period)).toEqual([p3, p2, p1]);
    } finally {
      await settle.close();
      await queue.close();
    }
  });

  it('a worker hub starting after being down settles what it missed without waiting for a tick', async () => {
    await build();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-catch-up-'));
    const hub = await startHub(loadConfig({
      DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: dataDir,
      SETTLEMENT_GRACE_MINUTES: '0', LOG_LEVEL: 'silent',
    }), { role: 'worker' });
    try {
      await until('the hub to settle three periods', async () => (await runs()).filter((r) => r.status === 'settled').length === 3);
      expect(await charged()).toEqual([{ period: p3, charged: 1000 }, { period: p2, charged: 1000 }, { period: p1, charged: 500 }]);
    } finally {
      await hub.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a run that fails holds the later periods back; flattr periods shows it, settle of a later one is refused, settle of it resumes', async () => {
    await build();
    const prefix = randomQueuePrefix();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-catch-up-'));
    const env = { DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, SETTLEMENT_GRACE_MINUTES: '0', DATA_DIR: dataDir };
    const settle = worker(prefix, (stage, { period }) => {
      if (stage === 'opened' && period === p2) throw new UnrecoverableError('planted failure');
    });
    const queue = new Queue(QUEUES.settle, { connection: TEST_CONNECTION, prefix });
    try {
      await queue.add(SETTLE_JOB.periodClose, {});
      await until('the catch-up to stop at the failed run', async () =>
        (await runs()).length === 2 && !(await queue.getJob(CATCH_UP_JOB_ID)));
      expect(await runs()).toEqual([{ period: p3, status: 'settled' }, { period: p2, status: 'running' }]);
    } finally {
      await settle.close();
      await queue.close();
    }

    const [listed, later] = await Promise.all([runCli(['periods', '--json'], env), runCli(['settle', '--period', p1], env)]);
    expect(listed.code, listed.stderr).toBe(0);
    const periods = JSON.parse(listed.stdout) as { periods: { period: string; status: string; reason?: string; pending: { flattrs: number; supporters: number } }[]; waiting: string[] };
    expect(periods.periods.map((p) => [p.period, p.status, p.pending.flattrs])).toEqual([
      [current, 'open', 1], [p1, 'closed-waiting', 1], [p2, 'failed', 0], [p3, 'settled', 0],
    ]);
    expect(periods.periods[2]!.reason).toBe('planted failure');
    expect(periods.waiting).toEqual([p2, p1]);

    expect(later.code).toBe(1);
    expect(later.stderr).toBe(`flattr: ${p2} comes before ${p1} and its run is not finished: periods settle oldest first, so settle ${p2} first ("flattr settle --period ${p2}"); nothing was written\n`);
    expect(await runs()).toHaveLength(2);

    const resumed = await runCli(['settle', '--period', p2], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`settled ${p2}`);
    const human = await runCli(['periods'], env);
    expect(human.stdout).toMatch(new RegExp(`^${p1} {2}closed-waiting: 1 pending flattr from 1 supporter, no run yet$`, 'm'));
    expect(human.stdout).toMatch(new RegExp(`^${p2} {2}settled .*: 1 flattr from 1 supporter$`, 'm'));
    expect(human.stdout).toMatch(new RegExp(`^waiting: ${p1} \\(oldest first\\)`, 'm'));
    expect(human.stdout).toMatch(/^next period close: \d{4}-\d\d at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
    await rm(dataDir, { recursive: true, force: true });
  });
});

describe('duePeriods', () => {
  const row = (period: string, over: Partial<PeriodRow> = {}): PeriodRow => ({
    period, closed: true, closesAt: new Date(0), run: null, pending: { flattrs: 0, supporters: 0 }, ...over,
  });
  const running = { status: 'running' as const, stage: 'snapshot', startedAt: new Date(0), finishedAt: null, supporters: 1, flattrs: 1, settled: 0 };

  it('takes closed periods with pending flattrs or an unfinished run, oldest first, never an open one', () => {
    const rows = [
      row('2026-07', { pending: { flattrs: 2, supporters: 1 } }), row('2026-08'), row('2026-09', { run: running }),
      row('2026-10', { run: { ...running, status: 'settled' } }), row('2026-11', { closed: false, pending: { flattrs: 3, supporters: 1 } }),
    ];
    expect(duePeriods(rows, { policy: 'keep', lastClosed: '2026-10' })).toEqual(['2026-07', '2026-09']);
  });

  it('under the charity policy also takes the last closed period without flattrs (budgets go to charity), unless it has a run', () => {
    expect(duePeriods([row('2026-09', { pending: { flattrs: 1, supporters: 1 } })], { policy: 'charity', lastClosed: '2026-10' })).toEqual(['2026-09', '2026-10']);
    expect(duePeriods([row('2026-10', { run: { ...running, status: 'settled' } })], { policy: 'charity', lastClosed: '2026-10' })).toEqual([]);
  });
});
