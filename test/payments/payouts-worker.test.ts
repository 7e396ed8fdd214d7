import { Queue, QueueEvents } from 'bullmq';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { PAYOUTS_JOB, schedulePayouts } from '../../src/payments/payouts/payouts-jobs.js';
import { QUEUES } from '../../src/queues.js';
import { createLogger } from '../../src/support/logger.js';
import { createPayoutsWorker } from '../../workers/payouts.worker.js';
import { startFakeStripeConnect, type FakeStripeServer } from '../fakes/stripe/connect-server.js';
import { randomQueuePrefix } from '../support/queue.js';
import { PERIOD, settings, settlePeriod, TEST_CONNECTION, useSettleWorld } from '../settlement/support/settle-world.js';
import { connectCreator, creatorBalance, PAYOUT_WORLD } from './payouts-support.js';

describe('the payouts worker: the monthly run and the daily reconciliation as BullMQ jobs', () => {
  const { db, world } = useSettleWorld(PAYOUT_WORLD);
  let stripe: FakeStripeServer;
  let queue: Queue;
  let events: QueueEvents;
  let worker: ReturnType<typeof createPayoutsWorker>;
  let registry: Registry;
  beforeEach(async () => {
    stripe = await startFakeStripeConnect();
    const prefix = randomQueuePrefix();
    registry = new Registry();
    queue = new Queue(QUEUES.payouts, { connection: TEST_CONNECTION, prefix });
    events = new QueueEvents(QUEUES.payouts, { connection: TEST_CONNECTION, prefix });
    await events.waitUntilReady();
    worker = createPayoutsWorker({ db: db(), stripe: stripe.client(), connection: TEST_CONNECTION, prefix, minimum: '10.00', logger: createLogger('silent'), registry });
  });
  afterEach(async () => {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await stripe.close();
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  });

  const run = async (name: string) => (await queue.add(name, {}, { attempts: 1 })).waitUntilFinished(events, 20_000);

  it('waits while a settlement is running, then pays the settled balances and reconciles to zero differences', async () => {
    // A run opened and not finished (a worker died mid-run): payouts must not read balances it is still crediting.
    await db().$executeRawUnsafe(
      `INSERT INTO settlement_runs (period, status, stage, fee_bps, policy, cutoff, batch_size) VALUES ($1, 'running', 'open', 1000, 'keep', now(), 3)`, PERIOD);
    await expect(run(PAYOUTS_JOB.run)).rejects.toThrow(/the settlement of 2026-10 is still running/);
    expect(stripe.fake.requests).toEqual([]);
    await db().$executeRawUnsafe(`DELETE FROM settlement_runs`);
    await settlePeriod(db(), PERIOD, settings());
    const [r0, r1] = world().creatorIds as [number, number];
    await connectCreator(db(), stripe, r0);
    await connectCreator(db(), stripe, r1);
    expect(await run(PAYOUTS_JOB.run)).toEqual({ paid: 2, returned: 0, pending: 0, skipped: 1 });
    expect(await creatorBalance(db(), r0)).toBe(0n);

    expect(await run(PAYOUTS_JOB.reconcile)).toEqual({ differences: 0 });
    stripe.fake.addBalanceTransaction({ amount: -500, currency: 'eur', type: 'transfer', source: 'tr_stray' });
    expect(await run(PAYOUTS_JOB.reconcile)).toEqual({ differences: 1 });
    expect(await registry.metrics()).toContain('flattr_payments_reconcile_differences{kind="missing_in_ledger"} 1');
  });

  it('registers its two schedulers once, however often it is scheduled', async () => {
    await schedulePayouts(queue, 'Europe/Paris');
    await schedulePayouts(queue, 'Europe/Paris');
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      [PAYOUTS_JOB.reconcile, '0 5 * * *', 'Europe/Paris'], [PAYOUTS_JOB.run, '0 6 2 * *', 'Europe/Paris'],
    ]);
  });
});
