import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startHub } from '../../src/main.js';
import { PAYOUTS_JOB } from '../../src/payments/payouts/payouts-jobs.js';
import { QUEUES } from '../../src/queues.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

/** A worker hub with Stripe configured runs the payouts worker and registers its schedulers; without Stripe, neither. */
describe('the hub and payouts', { timeout: 60_000 }, () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => { for (const d of databases) await d.drop(); });

  async function schedulersOf(env: Record<string, string>): Promise<string[]> {
    const database = await createPostgresDatabase();
    databases.push(database);
    const prefix = randomQueuePrefix();
    const hub = await startHub(loadConfig({
      DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, PORT: '0', HOST: '127.0.0.1',
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'flattr-payouts-hub-')), LOG_LEVEL: 'silent', ...env,
    }), { role: 'worker' });
    const queue = new Queue(QUEUES.payouts, { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      return (await queue.getJobSchedulers()).map((s) => s.key).sort();
    } finally {
      await queue.close();
      await hub.close();
    }
  }

  it('schedules the monthly payout run and the daily reconciliation with Stripe configured', async () => {
    expect(await schedulersOf({ STRIPE_SECRET_KEY: 'sk_test_hub', STRIPE_WEBHOOK_SECRET: 'whsec_hub', STRIPE_API_URL: 'http://127.0.0.1:9' }))
      .toEqual([PAYOUTS_JOB.reconcile, PAYOUTS_JOB.run].sort());
  });

  it('schedules nothing of payouts without Stripe', async () => {
    expect(await schedulersOf({})).toEqual([]);
  });
});
