import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { runMonthlyTopups } from '../../src/payments/monthly/run-monthly-topups.js';
import { createStripe } from '../../src/payments/stripe-client.js';
import { mountStripeWebhook } from '../../src/payments/webhook/stripe-webhook-route.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { createLogger } from '../../src/support/logger.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
import { createStripeWebhookDriver } from '../fakes/stripe/webhook-driver.js';
import { createWebWorld, type WebWorld } from '../web/support/web-world.js';
import { TEST_RETRY } from './support/payments-world.js';

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
const monthlyRequestOf = (page: string) => /action="\/wallet\/monthly-topup"[^]*?name="request" value="([^"]+)"/.exec(page)![1]!;
const WEBHOOK_SECRET = 'whsec_monthly_web_test';

/** The monthly top-up as a supporter meets it on /wallet, against the fake Stripe, with Stripe's webhook on its own server. */
describe('the wallet page monthly top-up', { timeout: 60_000 }, () => {
  let fake: FakeStripe;
  let w: WebWorld;
  let hooks: FastifyInstance;
  let deliver: ReturnType<typeof createStripeWebhookDriver>['deliver'];
  beforeAll(async () => {
    fake = await startFakeStripe();
    w = await createWebWorld({ env: { STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: fake.url } });
    hooks = Fastify({ loggerInstance: createLogger('silent') as FastifyBaseLogger });
    mountStripeWebhook(hooks, { db: w.db, stripe: createStripe(w.config.stripe!), webhookSecret: WEBHOOK_SECRET, logger: createLogger('silent') });
    await hooks.ready();
    deliver = createStripeWebhookDriver({
      secret: WEBHOOK_SECRET,
      post: async (body, headers) => {
        const res = await hooks.inject({ method: 'POST', url: '/stripe/webhook', payload: body, headers });
        return { status: res.statusCode, body: res.body };
      },
    }).deliver;
  });
  afterAll(async () => {
    expect(await verifyLedger(w.db)).toMatchObject({ ok: true });
    await hooks?.close();
    await w?.close();
    await fake?.close();
  });
  const run = (period: string) => runMonthlyTopups(w.db, createStripe(w.config.stripe!), { period, now: new Date(`${period}-01T06:00:00Z`), retry: TEST_RETRY });

  it('saves a card through Stripe, shows it on, shows a failed charge with its reason (en, fr), and turns it off', async () => {
    await w.supporter('slack', 'T1:UMONWEB', 0n);
    const { browser } = await w.signedIn('slack', 'T1:UMONWEB');
    const page = await browser.get('/wallet');
    expect(page.body).toContain('<h2 id="monthly">Top up my budget every month</h2>');
    expect(page.body).toContain('<form method="post" action="/wallet/monthly-topup" aria-labelledby="monthly" aria-describedby="monthly-hint">');
    expect(page.body).toContain('your wallet is topped up by your monthly budget (now €35.00)');
    const fields = { _csrf: csrfOf(page.body), request: monthlyRequestOf(page.body) };
    const res = await browser.postForm('/wallet/monthly-topup', fields);
    expect(res.status).toBe(303);
    const session = [...fake.sessions.values()].at(-1)!;
    expect(res.headers.location).toBe(session.url);
    expect(session).toMatchObject({ mode: 'setup', currency: 'eur', success_url: 'http://hub.test/wallet?monthly=on' });
    // The same form again (a double click): the same session, one customer.
    expect((await browser.postForm('/wallet/monthly-topup', fields)).headers.location).toBe(session.url);
    expect(fake.customers.size).toBe(1);

    expect((await browser.get('/wallet?monthly=on')).body).toContain('your card is saved. The monthly top-up is on as soon as Stripe confirms it');
    expect((await deliver(fake.completeSetupSession(session.id))).status).toBe(200);
    const on = await browser.get('/wallet');
    expect(on.body).toContain('On: at the start of each month your card (visa 4242) is charged your budget, now €35.00');
    expect(on.body).toContain('<button type="submit" class="secondary">Turn off the monthly top-up</button>');
    // While on, another card can be saved (a new setup session; its completion replaces the card charged).
    expect(on.body).toContain('<button type="submit">Use another card</button>');
    const another = await browser.postForm('/wallet/monthly-topup', { _csrf: csrfOf(on.body), request: monthlyRequestOf(on.body) });
    expect(another.status).toBe(303);
    expect(another.headers.location).not.toBe(session.url);
    expect([...fake.sessions.values()].at(-1)).toMatchObject({ mode: 'setup', url: another.headers.location });

    const [method] = fake.paymentMethods.keys();
    fake.setCardBehaviour(method!, 'authentication_required');
    await run('2031-05');
    expect((await browser.get('/wallet')).body).toContain('May 2031: the charge of €35.00 failed: your bank asks you to confirm the payment yourself.');
    const { browser: fr } = await w.signedIn('slack', 'T1:UMONWEB', 'fr');
    expect((await fr.get('/wallet')).body).toMatch(/mai 2031 : le débit de 35,00\s€ a échoué : votre banque demande que vous confirmiez vous-même le paiement\./);

    const off = await browser.postForm('/wallet/monthly-topup/off', { _csrf: csrfOf(on.body) });
    expect(off.status).toBe(303);
    expect(off.headers.location).toBe('/wallet?monthly=off#monthly');
    const after = await browser.get('/wallet?monthly=off');
    expect(after.body).toContain('The monthly top-up is off: your card will not be charged again.');
    expect(after.body).toContain('action="/wallet/monthly-topup"');
    expect(fake.paymentMethods.get(method!)!.customer).toBeNull();
    const next = await run('2031-06');
    expect(next.planned).toEqual([]);
  });

  it('refuses to start with a budget of 0, saying why, and asks Stripe nothing', async () => {
    await w.supporter('slack', 'T1:UMONNOBUDGET', 0n);
    await setSupporter(w.db, { platform: 'slack', externalId: 'T1:UMONNOBUDGET', budget: '0' });
    const { browser } = await w.signedIn('slack', 'T1:UMONNOBUDGET');
    const page = await browser.get('/wallet');
    const before = fake.requests.length;
    const res = await browser.postForm('/wallet/monthly-topup', { _csrf: csrfOf(page.body), request: monthlyRequestOf(page.body) });
    expect(res.status).toBe(422);
    expect(res.body).toContain('Your monthly budget is 0: set a budget first');
    expect(fake.requests.length).toBe(before);
  });

  it('refuses a post without a session or without the CSRF token', async () => {
    expect((await w.browser().postForm('/wallet/monthly-topup', { request: '00000000-0000-4000-8000-000000000000' })).status).toBe(401);
    const { browser } = await w.signedIn('slack', 'T1:UMONWEB');
    expect((await browser.postForm('/wallet/monthly-topup/off', {})).status).toBe(403);
  });
});
