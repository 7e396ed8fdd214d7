import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { applyAccountUpdated } from '../../src/payments/payouts/connect-account.js';
import { applyTransferReversedNow } from '../../src/payments/payouts/transfer-reversed.js';
import { runPayouts } from '../../src/payments/payouts/run-payouts.js';
import { startFakeStripeConnect, type FakeStripeServer } from '../fakes/stripe/connect-server.js';
import { csrfOf } from '../web/settings-support.js';
import { createWebWorld, type WebWorld } from '../web/support/web-world.js';

/** Connect onboarding from /earnings and the payouts section, in English and French. */
describe('/earnings: connect a Stripe account and see payouts', () => {
  let stripe: FakeStripeServer;
  let w: WebWorld;
  beforeAll(async () => {
    stripe = await startFakeStripeConnect();
    w = await createWebWorld({ env: { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: 'whsec_test', STRIPE_API_URL: stripe.url } });
  });
  afterAll(async () => {
    expect(await verifyLedger(w.db)).toMatchObject({ ok: true });
    await w?.close();
    await stripe?.close();
  });

  it('offers the connect button, refuses a post without the CSRF token, and sends the creator to Stripe\'s hosted onboarding', async () => {
    const { userId, browser } = await w.signedIn('slack', 'T1:UCREATOR');
    const page = await browser.get('/earnings');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h2 id="payouts">Payouts</h2>');
    expect(page.body).toContain('No Stripe account is connected yet');
    expect(page.body).toMatch(/<form method="post" action="\/earnings\/connect" class="inline"><input type="hidden" name="_csrf" value="[^"]+"><button type="submit">Connect a Stripe account<\/button><\/form>/);

    expect((await browser.postForm('/earnings/connect', {})).status).toBe(403);
    expect(await w.count('stripe_connected_accounts')).toBe(0);

    const res = await browser.postForm('/earnings/connect', { _csrf: csrfOf(page) });
    expect(res.status).toBe(303);
    expect(String(res.headers.location)).toMatch(/^https:\/\/connect\.stripe\.com\/setup\/e\/acct_/);
    const [account] = await w.db.$queryRawUnsafe<{ stripe_account_id: string; payouts_enabled: boolean }[]>(`SELECT stripe_account_id, payouts_enabled FROM stripe_connected_accounts WHERE user_id = $1`, userId);
    expect(account).toMatchObject({ payouts_enabled: false });
    // A second click makes a new link for the same account (links expire), never a second account.
    await browser.postForm('/earnings/connect', { _csrf: csrfOf(page) });
    expect(stripe.fake.accounts.size).toBe(1);
    expect(stripe.fake.requests.filter((r) => r.path === '/v1/account_links')).toHaveLength(2);

    const waiting = await browser.get('/earnings?connect=retry');
    expect(waiting.body).toContain('cannot receive payouts yet. Stripe still needs: external_account, tos_acceptance.date.');
    expect(waiting.body).toContain('Continue the Stripe setup');
    expect(waiting.body).toContain('The Stripe setup was interrupted');
  });

  it('shows a ready account and its payouts, in French, with amounts formatted for the locale', async () => {
    const { userId, browser } = await w.signedIn('slack', 'T1:UCREFR', 'fr');
    await browser.postForm('/earnings/connect', { _csrf: csrfOf(await browser.get('/earnings')) });
    const [{ stripe_account_id: acct }] = await w.db.$queryRawUnsafe<{ stripe_account_id: string }[]>(`SELECT stripe_account_id FROM stripe_connected_accounts WHERE user_id = $1`, userId) as [{ stripe_account_id: string }];
    await applyAccountUpdated(w.db, stripe.fake.completeOnboarding(acct));
    // A creator balance of 25.00 (as settlement would credit it), paid out.
    await w.db.$transaction(async (tx) => {
      const [external, creator] = await ensureAccounts(tx, [{ kind: 'external', currency: 'EUR' }, { kind: 'creator', userId, currency: 'EUR' }]);
      await postTransfer(tx, { kind: 'test', idempotencyKey: `test-credit-${userId}`, entries: [
        { accountId: external!, currency: 'EUR', amount: -2500n }, { accountId: creator!, currency: 'EUR', amount: 2500n },
      ] });
    });
    await runPayouts(w.db, stripe.client(), { minimum: '10.00', backoff: { attempts: 1 } });
    // Stripe then reverses 4.00 of it.
    const [{ stripe_transfer_id: transferId }] = await w.db.$queryRawUnsafe<{ stripe_transfer_id: string }[]>(`SELECT stripe_transfer_id FROM payouts WHERE user_id = $1`, userId) as [{ stripe_transfer_id: string }];
    await applyTransferReversedNow(w.db, stripe.fake.reverseTransfer(transferId, 400));
    const page = await browser.get('/earnings');
    expect(page.body).toContain('<h2 id="payouts">Versements</h2>');
    expect(page.body).toContain('dès qu’il atteint 10,00');
    expect(page.body).toContain('Votre compte Stripe est relié et reçoit les versements.');
    expect(page.body).toMatch(/25,00\s€<\/td><td>versé <span class="muted">Stripe en a repris 4,00\s€ ; ce montant est revenu sur votre solde.<\/span>/);
    expect(page.body).not.toContain('Relier un compte Stripe');
    const api = await browser.json('GET', '/api/v1/payouts');
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toEqual({
      account: { payoutsEnabled: true, requirementsDue: [] },
      payouts: [{ createdAt: expect.any(String), amount: { minor: 2500, currency: 'EUR' }, returned: { minor: 400, currency: 'EUR' }, status: 'paid', reason: expect.stringMatching(/^transfer tr_\w+ partly reversed by Stripe \(400 of 2500\)$/), stripeTransferId: expect.stringMatching(/^tr_/) }],
    });
    const openapi = JSON.parse((await browser.get('/api/v1/openapi.json')).body) as { paths: Record<string, unknown> };
    expect(openapi.paths['/api/v1/payouts']).toBeDefined();
  });

  it('has no payouts section and no connect route when Stripe is not configured', async () => {
    const off = await createWebWorld();
    try {
      const { browser } = await off.signedIn('slack', 'T1:UOFF');
      const page = await browser.get('/earnings');
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('id="payouts"');
      expect((await browser.postForm('/earnings/connect', { _csrf: csrfOf(page) })).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
