import Fastify, { type FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { createStripe } from '../../src/payments/stripe-client.js';
import { mountStripeWebhook } from '../../src/payments/webhook/stripe-webhook-route.js';
import { createLogger } from '../../src/support/logger.js';
import { createApiToken } from '../../src/web/api-tokens.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
import { createStripeWebhookDriver } from '../fakes/stripe/webhook-driver.js';
import { createWebWorld, type WebWorld } from '../web/support/web-world.js';

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
const requestOf = (page: string) => /name="request" value="([^"]+)"/.exec(page)![1]!;

describe('the wallet page top-up form', { timeout: 60_000 }, () => {
  let fake: FakeStripe;
  let w: WebWorld;
  let off: WebWorld;
  beforeAll(async () => {
    fake = await startFakeStripe();
    w = await createWebWorld({ env: { STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: 'whsec_web_test', STRIPE_API_URL: fake.url } });
    off = await createWebWorld();
  });
  afterAll(async () => {
    await hook?.close();
    await w?.close();
    await off?.close();
    await fake?.close();
  });
  /** POST /stripe/webhook on the same database, for the API tests' payments, refunds and fees. */
  let hook: ReturnType<typeof Fastify>;
  const webhooks = createStripeWebhookDriver({
    secret: 'whsec_web_test',
    post: async (body, headers) => {
      if (!hook) {
        hook = Fastify({ loggerInstance: createLogger('silent') as FastifyBaseLogger });
        mountStripeWebhook(hook, { db: w.db, stripe: createStripe(w.config.stripe!), webhookSecret: 'whsec_web_test', logger: createLogger('silent') });
        await hook.ready();
      }
      const res = await hook.inject({ method: 'POST', url: '/stripe/webhook', payload: body, headers });
      return { status: res.statusCode, body: res.body };
    },
  });
  const csrfHeader = async (browser: Awaited<ReturnType<WebWorld['signedIn']>>['browser']) =>
    ({ 'x-csrf-token': (JSON.parse((await browser.json('GET', '/api/v1/me')).body) as { auth: { csrfToken: string } }).auth.csrfToken });
  const topupRows = async () => (await w.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM topup_sessions`))[0]!.n;

  it('offers a labelled amount field and sends the supporter to Stripe, one session per submitted form', async () => {
    await w.supporter('slack', 'T1:UWEB', 0n);
    const { browser } = await w.signedIn('slack', 'T1:UWEB');
    const page = await browser.get('/wallet');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="topup-amount">Amount (EUR)</label>');
    expect(page.body).toContain('<button type="submit">Continue to payment with Stripe</button>');
    expect(page.body).toContain('From €5.00 to €10,000.00');
    const fields = { _csrf: csrfOf(page.body), request: requestOf(page.body), amount: '20.50' };
    const res = await browser.postForm('/wallet/topup', fields);
    expect(res.status).toBe(303);
    const session = [...fake.sessions.values()].at(-1)!;
    expect(res.headers.location).toBe(session.url);
    expect(session).toMatchObject({ amount_total: 2050, currency: 'eur', mode: 'payment', success_url: 'http://hub.test/wallet?topup=paid' });
    // The same form submitted again (a double click, the back button): the same session.
    const again = await browser.postForm('/wallet/topup', fields);
    expect(again.headers.location).toBe(session.url);
    expect([...fake.sessions.values()].filter((s) => s.client_reference_id === session.client_reference_id)).toHaveLength(1);
    expect(await topupRows()).toBe(1n);

    const back = await browser.get('/wallet?topup=paid');
    expect(back.body).toContain('Your wallet is credited as soon as Stripe confirms the payment');
  });

  it.each([
    ['35,5', /&quot;35,5&quot; is not an amount/],
    ['2', /a top-up is at least €5.00/],
    ['20000', /a top-up is at most €10,000.00/],
  ])('refuses %s on the page with 422 and changes nothing', async (amount, message) => {
    const { browser } = await w.signedIn('slack', 'T1:UWEB');
    const page = await browser.get('/wallet');
    const before = { rows: await topupRows(), sessions: fake.sessions.size };
    const res = await browser.postForm('/wallet/topup', { _csrf: csrfOf(page.body), request: requestOf(page.body), amount });
    expect(res.status).toBe(422);
    expect(res.body).toMatch(message);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain(`value="${amount}"`);
    expect({ rows: await topupRows(), sessions: fake.sessions.size }).toEqual(before);
  });

  it('speaks French', async () => {
    const { browser } = await w.signedIn('slack', 'T1:UWEB', 'fr');
    const page = await browser.get('/wallet');
    expect(page.body).toContain('<label for="topup-amount">Montant (EUR)</label>');
    const res = await browser.postForm('/wallet/topup', { _csrf: csrfOf(page.body), request: requestOf(page.body), amount: '1' });
    expect(res.status).toBe(422);
    expect(res.body).toMatch(/un ajout est d’au moins 5,00\s€/);
  });

  it('refuses a post without a session or without the CSRF token', async () => {
    const anonymous = w.browser();
    expect((await anonymous.postForm('/wallet/topup', { amount: '20', request: '00000000-0000-4000-8000-000000000000' })).status).toBe(401);
    const { browser } = await w.signedIn('slack', 'T1:UWEB');
    const before = fake.sessions.size;
    expect((await browser.postForm('/wallet/topup', { amount: '20', request: '00000000-0000-4000-8000-000000000000' })).status).toBe(403);
    expect(fake.sessions.size).toBe(before);
  });

  it('tells a supporter who owes money after a refund how much, and that flattring waits for a top-up', async () => {
    const userId = await w.supporter('slack', 'T1:UOWES', 0n);
    await w.db.$transaction(async (tx) => {
      const [external, receivable] = await ensureAccounts(tx, [{ kind: 'external_stripe', currency: 'EUR' }, { kind: 'receivable', userId, currency: 'EUR' }]);
      await postTransfer(tx, { kind: 'topup_reversal', idempotencyKey: 'test-owed', entries: [
        { accountId: external!, currency: 'EUR', amount: 1250n }, { accountId: receivable!, currency: 'EUR', amount: -1250n }] });
    });
    const { browser } = await w.signedIn('slack', 'T1:UOWES');
    expect((await browser.get('/wallet')).body).toContain('You owe €12.50: a refund or a card dispute took back money your flattrs had already spent.');
    const { browser: fr } = await w.signedIn('slack', 'T1:UOWES', 'fr');
    expect((await fr.get('/wallet')).body).toMatch(/Vous devez 12,50\s€ : un remboursement/);
    const { browser: other } = await w.signedIn('slack', 'T1:UWEB');
    expect((await other.get('/wallet')).body).not.toContain('You owe');
  });

  it('POST /api/v1/topups starts a top-up (its Checkout URL), once per requestId; GET lists it with its fee, what a refund took back, and what is owed', async () => {
    const userId = await w.supporter('slack', 'T1:UAPI', 0n);
    const { browser } = await w.signedIn('slack', 'T1:UAPI');
    const headers = await csrfHeader(browser);
    const started = await browser.json('POST', '/api/v1/topups', { amount: '20.00', requestId: 'script-0001' }, headers);
    expect(started.status).toBe(201);
    const session = [...fake.sessions.values()].at(-1)!;
    const body = JSON.parse(started.body) as { id: number };
    expect(body).toEqual({ id: expect.any(Number), amount: { minor: 2000, currency: 'EUR' }, checkoutUrl: session.url, created: true });
    expect(session).toMatchObject({ amount_total: 2000, currency: 'eur', client_reference_id: String(userId) });
    // Sent again (an answer lost on the way): the same session.
    const again = await browser.json('POST', '/api/v1/topups', { amount: '20.00', requestId: 'script-0001' }, headers);
    expect(JSON.parse(again.body)).toEqual({ id: body.id, amount: { minor: 2000, currency: 'EUR' }, checkoutUrl: session.url, created: false });
    expect([...fake.sessions.values()].filter((s) => s.client_reference_id === String(userId))).toHaveLength(1);
    const open = JSON.parse((await browser.json('GET', '/api/v1/topups')).body) as { topups: unknown[] };
    expect(open.topups).toEqual([expect.objectContaining({ id: body.id, status: 'open', checkoutUrl: session.url, stripeFee: null, reversals: [] })]);

    // Paid, 18.00 of it spent (as a settlement would), then refunded in full: 2.00 from the wallet, 18.00 owed.
    expect((await webhooks.deliver(fake.payCheckoutSession(session.id))).status).toBe(200);
    await w.db.$transaction(async (tx) => {
      const [wallet, fees] = await ensureAccounts(tx, [{ kind: 'wallet', userId, currency: 'EUR' }, { kind: 'fees', currency: 'EUR' }]);
      await postTransfer(tx, { kind: 'settlement', idempotencyKey: 'test-spent-api', entries: [
        { accountId: wallet!, currency: 'EUR', amount: -1800n }, { accountId: fees!, currency: 'EUR', amount: 1800n }] });
    });
    const intent = fake.paymentIntents.get(fake.sessions.get(session.id)!.payment_intent)!;
    expect((await webhooks.deliver(fake.refundCharge(intent.latest_charge))).status).toBe(200);

    // A script with an API token sees the same.
    const { token } = await createApiToken(w.db, userId, 'script', w.clock.now);
    const listed = await w.browser().json('GET', '/api/v1/topups?limit=10', undefined, { authorization: `Bearer ${token}` });
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toEqual({
      owed: [{ minor: 1800, currency: 'EUR' }],
      topups: [{
        id: body.id, createdAt: expect.any(String), status: 'paid', amount: { minor: 2000, currency: 'EUR' },
        stripeFee: { minor: 55, currency: 'EUR' }, checkoutUrl: null, monthlyPeriod: null, failureReason: null,
        reversals: [{ kind: 'refund', amount: { minor: 2000, currency: 'EUR' }, fromWallet: { minor: 200, currency: 'EUR' }, toReceivable: { minor: 1800, currency: 'EUR' }, at: expect.any(String) }],
      }],
    });
  });

  it.each([
    [{ amount: '35,5' }, /"35,5" is not an amount|35,5/],
    [{ amount: '2' }, /a top-up is at least 5\.00 EUR/],
    [{ amount: '20000' }, /a top-up is at most 10000\.00 EUR/],
    [{ amount: 20.5 }, /^amount: .*expected string/],
    [{ amount: '20', currency: 'USD' }, /your wallet is in EUR/],
    [{ amount: '25', requestId: 'script-0001' }, /already used/],
  ])('POST /api/v1/topups refuses %j with 422 in the API error shape and starts nothing', async (payload, message) => {
    const { browser } = await w.signedIn('slack', 'T1:UAPI');
    const before = { rows: await topupRows(), sessions: fake.sessions.size };
    const res = await browser.json('POST', '/api/v1/topups', payload, await csrfHeader(browser));
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'invalid_input', message: expect.stringMatching(message) } });
    expect({ rows: await topupRows(), sessions: fake.sessions.size }).toEqual(before);
  });

  it('POST /api/v1/topups wants a session with its CSRF token, or an API token; Stripe failing is a 503', async () => {
    expect((await w.browser().json('POST', '/api/v1/topups', { amount: '20' })).status).toBe(401);
    const { userId, browser } = await w.signedIn('slack', 'T1:UAPI');
    const before = fake.sessions.size;
    expect((await browser.json('POST', '/api/v1/topups', { amount: '20' })).status).toBe(403);
    expect(fake.sessions.size).toBe(before);
    const { token } = await createApiToken(w.db, userId, 'script', w.clock.now);
    // Not retried (a 5xx would be, for seconds): Stripe refusing the hub's key.
    fake.failNext({ status: 401, times: 1, method: 'POST', path: /^\/v1\/checkout\/sessions$/ });
    const down = await w.browser().json('POST', '/api/v1/topups', { amount: '20' }, { authorization: `Bearer ${token}` });
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toEqual({ error: { code: 'internal', message: expect.stringContaining('nothing was charged') } });
    expect(fake.sessions.size).toBe(before);
  });

  it('has no form and no route while payments are off', async () => {
    await off.supporter('slack', 'T1:UOFF', 0n);
    const { browser } = await off.signedIn('slack', 'T1:UOFF');
    const page = await browser.get('/wallet');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('topup-amount');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    expect((await browser.postForm('/wallet/topup', { _csrf: csrf, request: '00000000-0000-4000-8000-000000000000', amount: '20' })).status).toBe(404);
    // The API says so in its own shape.
    for (const res of [await browser.json('GET', '/api/v1/topups'), await browser.json('POST', '/api/v1/topups', { amount: '20' }, await csrfHeader(browser))]) {
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'not_found', message: expect.stringContaining('payments are off on this hub') } });
    }
  });
});
