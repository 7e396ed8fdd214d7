import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseEscrow } from '../../src/escrow/release-escrow.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { settings, settlePeriod } from '../settlement/support/settle-world.js';
import { startIngest } from '../support/ingest-harness.js';
import { likeEvent } from '../support/world.js';
import { ingestLikes, visibleText } from './settings-support.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';

type Wallet = { balances: { minor: number; currency: string }[]; movements: { id: string; kind: string; period: string | null; amount: { minor: number } }[]; next: string | null };

/** /wallet and GET /api/v1/wallet: the wallet's ledger entries, newest first, a page at a time, and its balance. */
describe('wallet page', () => {
  let w: WebWorld;
  beforeAll(async () => {
    w = await createWebWorld();
    // A supporter funded twice, charged for October (to a creator who never joins), then given that creator's escrow back.
    await w.supporter('slack', 'T6:U1W', 1500n);
    await creditWallet(w.db, { platform: 'slack', externalId: 'T6:U1W', amount: '5.50' });
    const ingest = await startIngest(w.db, { now: () => w.clock.now });
    try {
      const likes = [1, 2].map((n) => likeEvent({ liker: 'T6:U1W', author: 'T6:U2GONE', item: `T6:C1:${n}.0`, community: 'T6', occurredAt: '2026-10-20T10:00:00Z' }));
      expect((await ingestLikes(ingest, likes)).accepted).toBe(2);
    } finally {
      await ingest.close();
    }
    await settlePeriod(w.db, '2026-10', settings());
    // The escrow is as old as the database's clock says (its transfer's created_at): 91 days from now it is past the hold.
    const released = await releaseEscrow(w.db, { holdDays: 90, now: new Date(Date.now() + 91 * 86_400_000), apply: true });
    expect(released.refunds.map((r) => r.amount)).toEqual([1845n]);
  }, 60_000);
  afterAll(async () => { await w?.close(); });

  it('shows the balance and every movement, newest first: the escrow given back, the month charged, the money added', async () => {
    const { browser } = await w.signedIn('slack', 'T6:U1W');
    const page = await browser.get('/wallet');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<a href="/wallet" aria-current="page">Wallet</a>');
    const text = visibleText(page);
    // 15.00 + 5.50 − 20.50 charged + 18.45 back (the shares; the 2.05 fee stays with the hub).
    expect(text).toContain('Balance €18.45');
    expect(text).toMatch(/Given back: a creator did not collect in time \+€18\.45 .*Charged for October 2026 -€20\.50 .*Money added \+€5\.50 .*Money added \+€15\.00/);
    expect(text).not.toContain('Older movements');

    const api = JSON.parse((await browser.json('GET', '/api/v1/wallet')).body) as Wallet;
    expect(api.balances).toEqual([{ minor: 1845, currency: 'EUR' }]);
    expect(api.movements.map((m) => [m.kind, m.period, m.amount.minor])).toEqual([
      ['escrow_release', null, 1845], ['settlement', '2026-10', -2050], ['funding', null, 550], ['funding', null, 1500],
    ]);
    expect(api.next).toBeNull();
  });

  it('pages 50 at a time with an older link; the API pages by `before`', async () => {
    await w.supporter('slack', 'T6:U3MANY', 0n);
    for (let i = 1; i <= 60; i++) await creditWallet(w.db, { platform: 'slack', externalId: 'T6:U3MANY', amount: `${i}.00` });
    const { browser } = await w.signedIn('slack', 'T6:U3MANY');
    const first = await browser.get('/wallet');
    expect((first.body.match(/<td class="num">/g) ?? []).length).toBe(50);
    expect(visibleText(first)).toContain('+€60.00');
    const older = /<a href="(\/wallet\?before=\d+)">Older movements<\/a>/.exec(first.body)![1]!;
    const second = await browser.get(older);
    expect((second.body.match(/<td class="num">/g) ?? []).length).toBe(10);
    expect(visibleText(second)).toContain('+€1.00');
    expect(second.body).toContain('<a href="/wallet">Newest movements</a>');
    expect(second.body).not.toContain('Older movements');

    const page1 = JSON.parse((await browser.json('GET', '/api/v1/wallet?limit=25')).body) as Wallet;
    expect(page1.movements.map((m) => m.amount.minor)).toEqual(Array.from({ length: 25 }, (_, i) => (60 - i) * 100));
    const page3 = JSON.parse((await browser.json('GET', `/api/v1/wallet?limit=25&before=${(JSON.parse((await browser.json('GET', `/api/v1/wallet?limit=25&before=${page1.next}`)).body) as Wallet).next}`)).body) as Wallet;
    expect(page3.movements.map((m) => m.amount.minor)).toEqual(Array.from({ length: 10 }, (_, i) => (10 - i) * 100));
    expect(page3.next).toBeNull();
  });

  it('refusals: signed out 401, a bad `before` or `limit` 422; nobody sees another wallet\'s entries', async () => {
    expect((await w.browser().get('/wallet')).status).toBe(401);
    expect((await w.browser().json('GET', '/api/v1/wallet')).status).toBe(401);
    const { browser } = await w.signedIn('slack', 'T6:U4NONE');
    expect((await browser.get('/wallet?before=abc')).status).toBe(422);
    for (const query of ['before=abc', 'limit=0', 'limit=1000', 'limit=x', 'page=2']) {
      const res = await browser.json('GET', `/api/v1/wallet?${query}`);
      expect(res.status, query).toBe(422);
      expect(JSON.parse(res.body).error.code).toBe('invalid_input');
    }
    // A `before` past someone else's entries still lists only one's own wallet: empty here.
    const mine = JSON.parse((await browser.json('GET', '/api/v1/wallet?before=999999')).body) as Wallet;
    expect(mine).toEqual({ balances: [], movements: [], next: null });
    const text = visibleText(await browser.get('/wallet'));
    expect(text).toContain('Your wallet is empty.');
    expect(text).toContain('No money has moved in or out of your wallet yet.');
  });

  it('in French', async () => {
    const { browser } = await w.signedIn('slack', 'T6:U1W', 'fr');
    const page = await browser.get('/wallet');
    expect(page.body).toContain('<html lang="fr">');
    const text = visibleText(page);
    expect(text).toContain('Portefeuille');
    expect(text).toContain('Solde 18,45 €');
    expect(text).toContain('Prélevé pour octobre 2026');
  });
});
