import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, type Job } from 'bullmq';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startHub } from '../../src/main.js';
import { enqueueSettlement } from '../../src/settlement/enqueue-settlement.js';
import { waitForSettlement } from '../../src/settlement/wait-for-settlement.js';
import { LEDGER_CHECKS } from '../../src/ledger/verify-ledger.js';
import { QUEUES } from '../../src/queues.js';
import { DAILY_LEDGER_CHECK, scheduleLedgerCheck } from '../../src/settlement/schedule-ledger-check.js';
import { SETTLE_JOB } from '../../src/settlement/settle-jobs.js';
import { createMetrics, type Metrics } from '../../src/support/metrics.js';
import { createSettleWorker } from '../../workers/settle.worker.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { ledgerFingerprint, NOW, PERIOD, settings, settlePeriod, TEST_CONNECTION, useSettleWorld, type WorldSpec } from './support/settle-world.js';

const SPEC: WorldSpec = {
  recipients: [{ claimed: false }, { claimed: true }],
  supporters: Array.from({ length: 5 }, (_, i) => ({
    currency: i % 2 ? 'USD' : 'EUR', budget: 700n + BigInt(i), wallet: 1000n, flattrs: [{ recipient: i, active: true }, { recipient: i + 1, active: true }],
  })),
};

/** What a pino logger wrote, one parsed line each. */
function capturingLogger() {
  const lines: { level: number; msg: string; check?: string; trigger?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

async function gauge(metrics: Metrics): Promise<Record<string, number>> {
  return Object.fromEntries((await metrics.ledgerOk.get()).values.map((v) => [v.labels.check, v.value]));
}
const allHold = () => Object.fromEntries(LEDGER_CHECKS.map((c) => [c.check, 1]));

/** An entry of 5 on a wallet with nothing against it: "every transfer sums to zero" is broken, nothing else. */
async function plantUnbalancedEntry(db: ReturnType<ReturnType<typeof useSettleWorld>['db']>): Promise<void> {
  const [transfer] = await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO transfers (kind, idempotency_key) VALUES ('adjustment', 'planted') RETURNING id`);
  await db.$executeRawUnsafe(
    `INSERT INTO entries (transfer_id, account_id, currency, amount) SELECT $1, id, currency, 5 FROM accounts WHERE kind = 'wallet' ORDER BY id LIMIT 1`,
    transfer!.id);
}

async function waitForCompletion(queue: Queue, job: Job): Promise<unknown> {
  for (let i = 0; ; i++) {
    const state = await queue.getJobState(job.id!);
    if (state === 'completed') return (await queue.getJob(job.id!))!.returnvalue;
    if (state === 'failed' || i > 1000) throw new Error(`job ${job.id} is ${state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `flattr ledger verify` run by the hub itself, after every run and daily; the result is `flattr_ledger_ok{check}`. */
describe('ledger self-check', () => {
  const { db } = useSettleWorld(SPEC);

  it('a run that finishes checks the ledger: flattr_ledger_ok is 1 for every check', async () => {
    const metrics = createMetrics();
    const { logger, lines } = capturingLogger();
    const outcome = await settlePeriod(db(), PERIOD, settings(), { metrics, logger });
    expect(outcome.selfCheck).toEqual({ ok: true, checks: LEDGER_CHECKS.length, broken: [] });
    expect(await gauge(metrics)).toEqual(allHold());
    expect(await metrics.registry.metrics()).toMatch(/^flattr_ledger_ok\{check="transfers_balance"\} 1$/m);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'ledger self-check: every invariant holds', trigger: 'settled' }));
  });

  it('a check that fails after a run reports the broken check and leaves the run settled', async () => {
    await plantUnbalancedEntry(db());
    const metrics = createMetrics();
    const { logger, lines } = capturingLogger();
    const outcome = await settlePeriod(db(), PERIOD, settings(), { metrics, logger });
    expect(outcome.selfCheck).toMatchObject({ ok: false, broken: [{ check: 'transfers_balance', invariant: 'every transfer sums to zero per currency' }] });
    expect(await gauge(metrics)).toEqual({ ...allHold(), transfers_balance: 0 });
    expect(lines.filter((l) => l.level >= 50).map((l) => l.check)).toEqual(['transfers_balance']);
    const [run] = await db().$queryRawUnsafe<{ status: string; settled: number }[]>(
      `SELECT status, (SELECT count(*)::int FROM supporter_settlements) AS settled FROM settlement_runs WHERE period = $1`, PERIOD);
    expect(run).toEqual({ status: 'settled', settled: SPEC.supporters.length });
  });

  it('daily: a planted unbalanced entry sets its gauge to 0, naming the check, with an error log; nothing settled changes', async () => {
    await settlePeriod(db(), PERIOD, settings());
    const settled = await ledgerFingerprint(db());
    await plantUnbalancedEntry(db());

    const prefix = randomQueuePrefix();
    const queue = new Queue(QUEUES.settle, { connection: TEST_CONNECTION, prefix });
    const metrics = createMetrics();
    metrics.ledgerOk.set({ check: 'transfers_balance' }, 1);
    const { logger, lines } = capturingLogger();
    const worker = createSettleWorker({ db: db(), connection: TEST_CONNECTION, prefix, settings: settings(), concurrency: 1, logger, metrics });
    try {
      // The production scheduler, registered by every starting worker process: once.
      await Promise.all([1, 2, 3].map(() => scheduleLedgerCheck(queue, 'Europe/Paris')));
      expect(await queue.getJobSchedulers()).toEqual([expect.objectContaining({ key: DAILY_LEDGER_CHECK, pattern: '30 4 * * *', tz: 'Europe/Paris' })]);
      // Its next daily job, run now rather than at 04:30.
      const [next] = (await queue.getDelayed()).filter((j) => j.name === SETTLE_JOB.ledgerCheck);
      expect(next).toBeDefined();
      await next!.promote();
      expect(await waitForCompletion(queue, next!)).toMatchObject({ ok: false, broken: [{ check: 'transfers_balance' }] });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
    expect(await gauge(metrics)).toEqual({ ...allHold(), transfers_balance: 0 });
    expect(await metrics.registry.metrics()).toMatch(/^flattr_ledger_ok\{check="transfers_balance"\} 0$/m);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toEqual([expect.objectContaining({ check: 'transfers_balance', trigger: 'daily' })]);
    expect(errors[0]!.msg).toMatch(/^ledger self-check failed: transfers_balance \(every transfer sums to zero per currency\): transfer \d+ sums to 5 EUR/);
    // The check only reads: the settlement is as it was, the planted transfer aside.
    const after = await ledgerFingerprint(db());
    expect(after.settlements).toEqual(settled.settlements);
    expect(after.shares).toEqual(settled.shares);
    expect((after.transfers as { idempotency_key: string }[]).filter((t) => t.idempotency_key !== 'planted')).toEqual(settled.transfers);
  });
});

describe('ledger self-check in a running hub', () => {
  const { url: databaseUrl } = useSettleWorld(SPEC);

  it('a worker hub registers the daily check, and its /metrics shows flattr_ledger_ok after a run', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-self-check-'));
    const prefix = randomQueuePrefix();
    const hub = await startHub(loadConfig({
      DATABASE_URL: databaseUrl(), REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, PORT: '0', HOST: '127.0.0.1',
      DATA_DIR: dataDir, LOG_LEVEL: 'silent',
    }), { role: 'all', now: () => NOW });
    try {
      const queue = await hub.runtime.queue(QUEUES.settle);
      expect(await queue.getJobScheduler(DAILY_LEDGER_CHECK)).toMatchObject({ pattern: '30 4 * * *', tz: 'UTC' });
      const { job } = await enqueueSettlement(queue, PERIOD);
      expect((await waitForSettlement(queue, PERIOD, job.id!, { intervalMs: 20 })).selfCheck).toMatchObject({ ok: true });
      const body = await (await fetch(`${hub.url}/metrics`)).text();
      for (const { check } of LEDGER_CHECKS) expect(body).toContain(`flattr_ledger_ok{check="${check}"} 1`);
    } finally {
      await hub.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
