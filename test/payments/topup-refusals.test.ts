import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyKeyConflictError, InvalidInputError } from '../../src/domain/errors.js';
import { createPaymentsWorld, TEST_RETRY, type PaymentsWorld } from './support/payments-world.js';

describe('top-up refusals and Stripe failures', () => {
  let w: PaymentsWorld;
  beforeAll(async () => { w = await createPaymentsWorld(); });
  afterAll(async () => { await w?.close(); });
  afterEach(async () => { await w.expectLedgerOk(); });

  it.each([
    ['35,5', undefined, /"35,5" is not an amount/],
    ['1e3', undefined, /"1e3" is not an amount/],
    ['-20', undefined, /"-20" is not an amount/],
    ['20.001', undefined, /more than 2 decimals for EUR/],
    ['4.99', undefined, /a top-up is at least 5.00 EUR/],
    ['10000.01', undefined, /a top-up is at most 10000.00 EUR/],
    ['20', 'USD', /your wallet is in EUR: top-ups are in EUR only/],
    ['20', 'EURO', /is not an ISO 4217 currency code/],
  ])('refuses %s %s with a clear error, and asks Stripe nothing', async (amount, currency, message) => {
    const userId = await w.supporter('T1:UREFUSED');
    const before = { requests: w.fake.requests.length, counts: await w.counts() };
    const error = await w.topup(userId, amount, { currency }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
    expect(w.fake.requests.length).toBe(before.requests);
    expect(await w.counts()).toEqual(before.counts);
  });

  it('takes a yen top-up in whole yen', async () => {
    const userId = await w.supporter('T1:UYEN', 'JPY', '3500');
    await expect(w.topup(userId, '500.5')).rejects.toThrow(/more than 0 decimals for JPY/);
    const topup = await w.topup(userId, '500');
    expect(topup.amount).toEqual({ minor: 500n, currency: 'JPY' });
    expect(w.fake.requests.at(-1)!.params.line_items[0].price_data).toMatchObject({ currency: 'jpy', unit_amount: '500' });
  });

  it('says what Stripe refused (its minimum charge in yen), keeps no URL, and retries nothing', async () => {
    const userId = await w.supporter('T1:UYENSMALL', 'JPY', '3500');
    const posts = w.fake.requestsTo('POST', /^\/v1\/checkout\/sessions$/).length;
    const error = await w.topup(userId, '10').catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'stripe_refused', message: expect.stringMatching(/^amount: The Checkout Session's total amount due must add up to at least 50 JPY/) });
    expect(w.fake.requestsTo('POST', /^\/v1\/checkout\/sessions$/).length).toBe(posts + 1);
    const [row] = await w.db.$queryRawUnsafe<{ url: string | null; stripe_session_id: string | null }[]>(`SELECT url, stripe_session_id FROM topup_sessions WHERE user_id = $1`, userId);
    expect(row).toEqual({ url: null, stripe_session_id: null });
  });

  it('retries 429 and 5xx under the same idempotency key and makes one session', async () => {
    const userId = await w.supporter('T1:URETRY');
    w.fake.failNext({ status: 429, method: 'POST', path: /^\/v1\/checkout\/sessions$/ });
    w.fake.failNext({ status: 503, method: 'POST', path: /^\/v1\/checkout\/sessions$/ });
    // The work done at Stripe and the answer lost: the retry gets the first session back.
    w.fake.failNext({ status: 500, method: 'POST', path: /^\/v1\/checkout\/sessions$/, after: true });
    const sessionsBefore = w.fake.sessions.size;
    const posts = w.fake.requestsTo('POST', /^\/v1\/checkout\/sessions$/).length;
    const topup = await w.topup(userId, '15', { requestKey: 'form:retry-0001' });
    const attempts = w.fake.requestsTo('POST', /^\/v1\/checkout\/sessions$/).slice(posts);
    expect(attempts.map((r) => r.idempotencyKey)).toEqual(Array(4).fill('topup:form:retry-0001'));
    expect(w.fake.sessions.size).toBe(sessionsBefore + 1);
    expect(topup.url).toBe(w.fake.sessions.get(topup.url.split('/').pop()!)!.url);
  });

  it('gives up after the retries with the error, and the same request later makes no second session', async () => {
    const userId = await w.supporter('T1:UDOWN');
    w.fake.failNext({ status: 500, method: 'POST', path: /^\/v1\/checkout\/sessions$/, times: TEST_RETRY.attempts });
    await expect(w.topup(userId, '15', { requestKey: 'form:down-0001' })).rejects.toThrow(/Something went wrong/);
    const sessionsBefore = w.fake.sessions.size;
    const again = await w.topup(userId, '15', { requestKey: 'form:down-0001' });
    expect(again.created).toBe(true);
    const replay = await w.topup(userId, '15', { requestKey: 'form:down-0001' });
    expect(replay).toEqual({ ...again, created: false });
    expect(w.fake.sessions.size).toBe(sessionsBefore + 1);
    await expect(w.topup(userId, '16', { requestKey: 'form:down-0001' })).rejects.toBeInstanceOf(IdempotencyKeyConflictError);
  });

  it('the fake refuses a key reused with other parameters (idempotency_error), as Stripe does', async () => {
    const first = await w.stripe.checkout.sessions.create({ mode: 'payment', success_url: 'http://hub.test/x', line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 700, product_data: { name: 'x' } } }] }, { idempotencyKey: 'k-reuse' });
    const same = await w.stripe.checkout.sessions.create({ mode: 'payment', success_url: 'http://hub.test/x', line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 700, product_data: { name: 'x' } } }] }, { idempotencyKey: 'k-reuse' });
    expect(same.id).toBe(first.id);
    await expect(w.stripe.checkout.sessions.create({ mode: 'payment', success_url: 'http://hub.test/x', line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 800, product_data: { name: 'x' } } }] }, { idempotencyKey: 'k-reuse' }))
      .rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
  });
});
