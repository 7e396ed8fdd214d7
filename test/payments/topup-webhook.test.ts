import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentsWorld, type PaymentsWorld } from './support/payments-world.js';

describe('Stripe top-ups through the webhook', () => {
  let w: PaymentsWorld;
  beforeAll(async () => { w = await createPaymentsWorld(); });
  afterAll(async () => { await w?.close(); });
  afterEach(async () => { await w.expectLedgerOk(); });

  it('creates a Checkout Session through the real client and credits the wallet once, however often the event comes', async () => {
    const userId = await w.supporter('T1:UTOPUP');
    const topup = await w.topup(userId, '20');
    expect(topup).toMatchObject({ amount: { minor: 2000n, currency: 'EUR' }, created: true });
    expect(topup.url).toMatch(new RegExp(`^${w.fake.url}/checkout/cs_test_`));

    const [create] = w.fake.requestsTo('POST', /^\/v1\/checkout\/sessions$/);
    expect(create!.idempotencyKey).toMatch(/^topup:test:/);
    expect(create!.params).toMatchObject({
      mode: 'payment', client_reference_id: String(userId),
      line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '2000' } }],
      metadata: { flattr_topup_id: String(topup.topupId), flattr_user_id: String(userId) },
      payment_intent_data: { metadata: { flattr_topup_id: String(topup.topupId) } },
      success_url: 'http://hub.test/wallet?topup=paid',
    });
    // Nothing is credited until Stripe says it was paid.
    expect(await w.balance(userId)).toBe(0n);

    const completed = w.pay(topup.url);
    const first = await w.webhooks.deliver(completed);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).outcome).toBe(`credited 2000 EUR to the wallet (top-up ${topup.topupId})`);
    expect(await w.balance(userId)).toBe(2000n);

    const before = await w.counts();
    // Stripe redelivers the same event, and the same session again in an async_payment_succeeded event.
    const again = await w.webhooks.deliver(completed);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body).outcome).toBe('already processed');
    const other = w.fake.event('checkout.session.async_payment_succeeded', completed.data.object);
    expect((await w.webhooks.deliver(other)).status).toBe(200);
    expect(await w.balance(userId)).toBe(2000n);
    const after = await w.counts();
    expect({ ...after, events: 0n }).toEqual({ ...before, events: 0n });
    expect(after.events).toBe(before.events + 1n);

    const [row] = await w.db.$queryRawUnsafe<{ status: string; stripe_fee: bigint | null; balance_transaction_id: string | null; payment_intent_id: string }[]>(
      `SELECT status, stripe_fee, balance_transaction_id, payment_intent_id FROM topup_sessions WHERE id = $1`, topup.topupId,
    );
    const charge = w.fake.chargeOf(completed.data.object.id);
    expect(row).toEqual({ status: 'paid', stripe_fee: 55n, balance_transaction_id: charge.balance_transaction, payment_intent_id: charge.payment_intent });
    const [transfer] = await w.db.$queryRawUnsafe<{ kind: string; n: bigint }[]>(
      `SELECT t.kind, count(*) AS n FROM transfers t JOIN entries e ON e.transfer_id = t.id JOIN accounts a ON a.id = e.account_id
        WHERE t.idempotency_key = $1 AND a.kind = 'external_stripe' GROUP BY t.kind`, `topup:${completed.data.object.id}`,
    );
    expect(transfer).toEqual({ kind: 'topup', n: 1n });
  });

  it('credits once when Stripe delivers the same event several times at once', async () => {
    const userId = await w.supporter('T1:UCONCURRENT');
    const topup = await w.topup(userId, '30');
    const completed = w.pay(topup.url);
    const answers = await Promise.all(Array.from({ length: 6 }, () => w.webhooks.deliver(completed)));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(answers.filter((a) => JSON.parse(a.body).outcome.startsWith('credited'))).toHaveLength(1);
    expect(await w.balance(userId)).toBe(3000n);
  });

  it('waits for an async payment and credits on async_payment_succeeded', async () => {
    const userId = await w.supporter('T1:UASYNC');
    const topup = await w.topup(userId, '12.50');
    const sessionId = topup.url.split('/').pop()!;
    const completed = w.fake.payCheckoutSession(sessionId, { async: true });
    const res = await w.webhooks.deliver(completed);
    expect(JSON.parse(res.body).outcome).toBe('waiting: payment unpaid');
    expect(await w.balance(userId)).toBe(0n);
    await w.webhooks.deliver(w.fake.settleAsyncPayment(sessionId, 'succeeded'));
    expect(await w.balance(userId)).toBe(1250n);
  });

  it('closes a top-up whose async payment failed, or whose session expired, crediting nothing', async () => {
    const userId = await w.supporter('T1:UCLOSED');
    const failing = await w.topup(userId, '8');
    const failingId = failing.url.split('/').pop()!;
    await w.webhooks.deliver(w.fake.payCheckoutSession(failingId, { async: true }));
    expect(JSON.parse((await w.webhooks.deliver(w.fake.settleAsyncPayment(failingId, 'failed'))).body).outcome).toBe('failed');
    const expiring = await w.topup(userId, '9');
    expect(JSON.parse((await w.webhooks.deliver(w.fake.expireSession(expiring.url.split('/').pop()!))).body).outcome).toBe('expired');
    const rows = await w.db.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM topup_sessions WHERE user_id = $1 ORDER BY id`, userId);
    expect(rows.map((r) => r.status)).toEqual(['failed', 'expired']);
    expect(await w.balance(userId)).toBe(0n);
  });

  it('refuses forged, tampered, unsigned and stale deliveries with 400 and stores nothing', async () => {
    const userId = await w.supporter('T1:UFORGE');
    const topup = await w.topup(userId, '10');
    const completed = w.pay(topup.url);
    const before = await w.counts();
    const forged = await w.webhooks.deliver(completed, { secret: 'whsec_not_the_hubs' });
    expect(forged.status).toBe(400);
    expect(JSON.parse(forged.body)).toEqual({ error: { code: 'bad_signature', message: 'the Stripe-Signature header does not verify' } });
    expect((await w.webhooks.deliver(completed, { signatureHeader: null })).status).toBe(400);
    const tampered = JSON.stringify({ ...completed, data: { object: { ...completed.data.object, amount_total: 999999 } } });
    expect((await w.webhooks.deliver(completed, { tamperedBody: tampered })).status).toBe(400);
    // A delivery captured and replayed later: signed 301 s before the hub's clock.
    const stale = await w.webhooks.deliver(completed, { timestamp: Math.floor(w.clock.now.getTime() / 1000) - 301 });
    expect(stale.status).toBe(400);
    expect(await w.counts()).toEqual(before);
    expect(await w.balance(userId)).toBe(0n);
    // Within the tolerance it is Stripe's own delivery.
    expect((await w.webhooks.deliver(completed, { timestamp: Math.floor(w.clock.now.getTime() / 1000) - 299 })).status).toBe(200);
    expect(await w.balance(userId)).toBe(1000n);
  });

  it('acknowledges and ignores an unknown event type, storing it', async () => {
    const event = w.fake.event('customer.created', { id: 'cus_test_1', object: 'customer' });
    const res = await w.webhooks.deliver(event);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).outcome).toBe('ignored: no handler for customer.created');
    const [row] = await w.db.$queryRawUnsafe<{ type: string; processed: boolean }[]>(`SELECT type, processed_at IS NOT NULL AS processed FROM stripe_events WHERE id = $1`, event.id);
    expect(row).toEqual({ type: 'customer.created', processed: true });
  });

  it('credits nothing for a session the hub did not create or whose amount differs', async () => {
    const userId = await w.supporter('T1:UMISMATCH');
    const topup = await w.topup(userId, '10');
    const completed = w.pay(topup.url);
    const lying = w.fake.event('checkout.session.completed', { ...completed.data.object, amount_total: 100000 });
    const res = await w.webhooks.deliver(lying);
    expect(JSON.parse(res.body).outcome).toMatch(/^refused: session cs_test_\w+ says 100000 EUR/);
    const foreign = w.fake.event('checkout.session.completed', { ...completed.data.object, id: 'cs_test_foreign', metadata: {} });
    expect(JSON.parse((await w.webhooks.deliver(foreign)).body).outcome).toBe('ignored: not a flattr top-up');
    expect(await w.balance(userId)).toBe(0n);
  });
});
