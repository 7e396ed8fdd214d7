import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
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
    await w?.close();
    await off?.close();
    await fake?.close();
  });
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

  it('has no form and no route while payments are off', async () => {
    await off.supporter('slack', 'T1:UOFF', 0n);
    const { browser } = await off.signedIn('slack', 'T1:UOFF');
    const page = await browser.get('/wallet');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('topup-amount');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    expect((await browser.postForm('/wallet/topup', { _csrf: csrf, request: '00000000-0000-4000-8000-000000000000', amount: '20' })).status).toBe(404);
  });
});
