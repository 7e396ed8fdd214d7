import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { describePayments } from '../../src/payments/describe-payments.js';
import { startHub, type Hub } from '../../src/main.js';
import { createStripe } from '../../src/payments/stripe-client.js';
import { createTopup } from '../../src/payments/topups/create-topup.js';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
import { createStripeWebhookDriver, httpPoster } from '../fakes/stripe/webhook-driver.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { freePort } from '../support/free-port.js';
import { randomQueuePrefix } from '../support/queue.js';

describe('payments configuration', () => {
  const base = { LOG_LEVEL: 'silent' };
  it('is off unless both Stripe secrets are set, and names what is missing', () => {
    expect(loadConfig(base).stripe).toBeUndefined();
    expect(describePayments(loadConfig(base))).toEqual({ on: false, line: expect.stringMatching(/^payments: off \(set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/) });
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(/STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY/);
    expect(() => loadConfig({ ...base, STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(/STRIPE_SECRET_KEY: required with STRIPE_WEBHOOK_SECRET/);
    const on = loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', PUBLIC_URL: 'https://hub.example.org' });
    expect(on.stripe).toEqual({ secretKey: 'sk_test_x', webhookSecret: 'whsec_x', apiUrl: undefined, payoutMinimum: '10.00' });
    expect(describePayments(on).line).toBe('payments: on (Stripe test mode, webhook at https://hub.example.org/stripe/webhook, payouts from 10.00)');
  });

  it.each(['35,5', '1e3', '-1', 'ten'])('refuses PAYOUT_MINIMUM=%s naming it', (value) => {
    const error = (() => { try { loadConfig({ ...base, PAYOUT_MINIMUM: value }); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['PAYOUT_MINIMUM: must be a decimal amount such as 10.00']);
  });
});

/** POST /stripe/webhook as `flattr start` wires it: an api hub on a real port, Stripe's deliveries over HTTP. */
describe('the Stripe webhook on a running hub', () => {
  let fake: FakeStripe;
  let database: TestDatabase;
  let hub: Hub;
  const webhookSecret = `whsec_${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    fake = await startFakeStripe();
    database = await createPostgresDatabase();
    const port = await freePort();
    hub = await startHub(loadConfig({
      DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: await mkdtemp(path.join(tmpdir(), 'flattr-pay-')),
      PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'silent',
      STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: fake.url,
    }), { role: 'api' });
  });
  afterAll(async () => {
    await hub?.close();
    await fake?.close();
    await database?.drop();
  });

  it('credits a paid top-up once over real HTTP and refuses an unsigned delivery', async () => {
    const { userId } = await setSupporter(database.prisma, { platform: 'slack', externalId: 'T1:UHUB', budget: '35.00', enable: ['slack'] });
    const stripe = createStripe({ secretKey: fake.secretKey, apiUrl: fake.url });
    const topup = await createTopup(database.prisma, stripe, { userId, amount: '42', requestKey: 'hub-test-0001', publicUrl: hub.url! });
    const completed = fake.payCheckoutSession(topup.url.split('/').pop()!);
    const driver = createStripeWebhookDriver({ post: httpPoster(hub.url!), secret: webhookSecret });
    expect((await driver.deliver(completed, { signatureHeader: null })).status).toBe(400);
    expect((await driver.deliver(completed)).status).toBe(200);
    expect((await driver.deliver(completed)).status).toBe(200);
    const [wallet] = await database.prisma.$queryRawUnsafe<{ balance: bigint }[]>(
      `SELECT sum(e.amount)::int8 AS balance FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.kind = 'wallet' AND a.user_id = $1`, userId,
    );
    expect(wallet!.balance).toBe(4200n);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toContain('flattr_stripe_webhook_total{type="",outcome="refused"} 1');
    expect(metrics).toContain('flattr_stripe_webhook_total{type="checkout.session.completed",outcome="processed"} 1');
    expect(metrics).toContain('flattr_stripe_webhook_total{type="checkout.session.completed",outcome="redelivered"} 1');
    expect(await verifyLedger(database.prisma)).toMatchObject({ ok: true });
  });
});
