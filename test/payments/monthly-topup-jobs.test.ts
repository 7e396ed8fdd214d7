import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMonthlyTopups, TOPUPS_JOB } from '../../src/payments/monthly/monthly-topup-jobs.js';
import { startMonthlyTopup } from '../../src/payments/monthly/start-monthly-topup.js';
import { QUEUES } from '../../src/queues.js';
import { createLogger } from '../../src/support/logger.js';
import { createTopupsWorker } from '../../workers/topups.worker.js';
import { runCli } from '../support/cli.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { createPaymentsWorld, TEST_RETRY, type PaymentsWorld } from './support/payments-world.js';

const CONNECTION = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };

/** The monthly top-ups as the hub runs them (the `topups` job on the 1st) and as an operator does (`flattr topups run`). */
describe('monthly top-ups: the job and flattr topups run', { timeout: 60_000 }, () => {
  let w: PaymentsWorld;
  let queue: Queue;
  let events: QueueEvents;
  beforeAll(async () => {
    w = await createPaymentsWorld();
    queue = new Queue(QUEUES.topups, { connection: CONNECTION, prefix: w.config.redis.queuePrefix });
    events = new QueueEvents(QUEUES.topups, { connection: CONNECTION, prefix: w.config.redis.queuePrefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await w.expectLedgerOk();
    await events?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await w?.close();
  });

  async function saveCard(externalId: string, budget: string): Promise<number> {
    const userId = await w.supporter(externalId, 'EUR', budget);
    const { url } = await startMonthlyTopup(w.db, w.stripe, { userId, requestKey: `test:${randomUUID()}`, publicUrl: 'http://hub.test', retry: TEST_RETRY });
    expect((await w.webhooks.deliver(w.fake.completeSetupSession(url.split('/').pop()!))).status).toBe(200);
    return userId;
  }
  const chargesOf = (userId: number) => w.fake.requestsTo('POST', /^\/v1\/payment_intents$/).filter((r) => r.params.metadata?.flattr_user_id === String(userId));

  it('the job charges the period it runs in (SETTLEMENT_TZ), once, and is scheduled once, five hours after the period close', async () => {
    const userId = await saveCard('T1:UMONJOB', '30.00');
    // On the clock of the 1st of a month, early in Paris and still the previous month in UTC: the period is Paris's.
    const worker = createTopupsWorker({
      db: w.db, stripe: w.stripe, connection: CONNECTION, prefix: w.config.redis.queuePrefix, timeZone: 'Europe/Paris',
      logger: createLogger('silent'), now: () => new Date('2031-08-31T23:30:00Z'),
    });
    try {
      const run = async () => (await queue.add(TOPUPS_JOB.run, {}, { attempts: 1 })).waitUntilFinished(events, 20_000);
      expect(await run()).toEqual({ period: '2031-09', charged: 1, failed: 0, pending: 0, skipped: 0 });
      expect(await run()).toEqual({ period: '2031-09', charged: 0, failed: 0, pending: 0, skipped: 1 });
      expect(chargesOf(userId).map((r) => r.idempotencyKey)).toEqual([`auto-topup:${userId}:2031-09`]);
      const intent = [...w.fake.paymentIntents.values()].find((pi) => pi.metadata?.flattr_user_id === String(userId))!;
      await w.webhooks.deliver(w.fake.eventsAbout(intent.id, 'payment_intent.succeeded')[0]!);
      expect(await w.balance(userId)).toBe(3000n);
    } finally {
      await worker.close();
    }
    await scheduleMonthlyTopups(queue, { timeZone: 'Europe/Paris', graceMinutes: 60 });
    await scheduleMonthlyTopups(queue, { timeZone: 'Europe/Paris', graceMinutes: 60 });
    expect((await queue.getJobSchedulers()).map((s) => [s.key, s.pattern, s.tz])).toEqual([[TOPUPS_JOB.run, '0 6 1 * *', 'Europe/Paris']]);
  });

  it('flattr topups run --dry-run shows what it would charge and skip; the run charges and prints the payment intent', async () => {
    const userId = await saveCard('T1:UMONCLI', '12.50');
    const env = { DATABASE_URL: w.config.database.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: w.config.redis.queuePrefix, STRIPE_SECRET_KEY: w.fake.secretKey, STRIPE_WEBHOOK_SECRET: w.webhookSecret, STRIPE_API_URL: w.fake.url };
    const dry = await runCli(['topups', 'run', '--dry-run', '--period', '2031-10'], env);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run for 2031-10: nothing is written and Stripe is not called');
    expect(dry.stdout).toContain(`would charge user ${userId}  12.50 EUR (auto-topup:${userId}:2031-10)`);
    expect(chargesOf(userId)).toEqual([]);

    const real = await runCli(['topups', 'run', '--period', '2031-10'], env);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(new RegExp(`charged\\s+user ${userId}  12\\.50 EUR \\(auto-topup:${userId}:2031-10\\) pi_test_\\w+`));
    // The job's supporter still holds last month's top-up.
    expect(real.stdout).toMatch(/skipped {2}user \d+: wallet_holds_budget \(the wallet holds 3000, the budget is 3000\)/);
    expect(chargesOf(userId)).toHaveLength(1);

    const bad = await runCli(['topups', 'run', '--period', '2031-13'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('period');
  });
});
