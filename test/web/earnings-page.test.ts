import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/settlement/build-report.js';
import { settlementSettings } from '../../src/settlement/settings-from-config.js';
import { createLogger } from '../../src/support/logger.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { settleInProcess } from '../../workers/settle-in-process.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';
import { VIEW_STALE_MS, VIEW_TTL_MS } from '../../src/web/web-views.js';

type Earnings = {
  balances: { minor: number; currency: string }[];
  identities: { platform: string; externalId: string; received: { minor: number; currency: string }[] }[];
  escrow: { identity: { platform: string; externalId: string }; amount: { minor: number; currency: string }; returnsFrom: string }[];
  months: { period: string; received: { minor: number; currency: string }[]; flattrs: number; moreCommunities: number;
    communities: { platform: string; community: string; amount: { minor: number }; flattrs: number; supporters: number }[] }[];
  page: { number: number; hasMore: boolean };
};

/**
 * `/earnings` and GET /api/v1/earnings after a real settlement: the amounts
 * are what `flattr report` says each of the creator's accounts received.
 */
describe('the creator earnings page', { timeout: 120_000 }, () => {
  let w: WebWorld;
  let creator: Awaited<ReturnType<WebWorld['signedIn']>>;
  let flattrNo = 0;
  const flattr = async (supporterId: number, identity: { platform: string; externalId: string }, community: string | null, period = '2026-10') => {
    const [row] = await w.db.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM identities WHERE platform = $1 AND external_id = $2`, identity.platform, identity.externalId);
    await w.db.$executeRawUnsafe(
      `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, community, period, occurred_at, status, source_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $4)`,
      supporterId, row!.id, identity.platform, `item-${++flattrNo}`, community, period, new Date(`${period}-15T12:00:00Z`),
    );
  };
  const supporter = async (externalId: string, budget: string, wallet: string) => {
    const { userId } = await setSupporter(w.db, { platform: 'slack', externalId, budget, enable: ['slack', 'discord'] });
    if (wallet !== '0.00') await creditWallet(w.db, { platform: 'slack', externalId, amount: wallet });
    return userId;
  };
  const settle = (period: string) => settleInProcess({
    db: w.db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix: w.config.redis.queuePrefix,
    settings: settlementSettings(w.config), concurrency: 1, logger: createLogger('silent'), now: () => w.clock.now,
  }, period);
  const api = async () => {
    const res = await creator.browser.json('GET', '/api/v1/earnings');
    expect(res.status, res.body).toBe(200);
    return JSON.parse(res.body) as Earnings;
  };

  beforeAll(async () => {
    w = await createWebWorld();
    creator = await w.signedIn('slack', 'T1:UCREATOR');
    // A second account of the same creator, on Discord.
    await w.db.$executeRawUnsafe(`INSERT INTO identities (platform, external_id, user_id, claimed_at) VALUES ('discord', '80351110224678777', $1, now())`, creator.userId);
    await w.db.$executeRawUnsafe(`INSERT INTO communities (platform, external_id, name) VALUES ('slack', 'T1', 'Makers')`);
    const ana = await supporter('T1:UANA', '10.00', '10.00');
    const bob = await supporter('T1:UBOB', '7.00', '7.00');
    const cy = await supporter('T2:UCY', '5.00', '0.00'); // nothing in the wallet: charged nothing, so not counted (money rule 11)
    const slack = { platform: 'slack', externalId: 'T1:UCREATOR' };
    const discord = { platform: 'discord', externalId: '80351110224678777' };
    await flattr(ana, slack, 'T1');
    await flattr(ana, slack, 'T1');
    await flattr(ana, slack, 'T2');
    await w.db.$executeRawUnsafe(`INSERT INTO identities (platform, external_id) VALUES ('slack', 'T1:UOTHER')`);
    await flattr(ana, { platform: 'slack', externalId: 'T1:UOTHER' }, 'T1');
    await flattr(bob, slack, 'T1');
    await flattr(bob, discord, '7000000000000001');
    await flattr(bob, discord, '7000000000000001');
    await flattr(cy, slack, 'T2');
    await settle('2026-10');
  });
  afterAll(async () => { await w?.close(); });

  it('shows what flattr report says each account received, per month and community, and the balance', async () => {
    const report = await buildReport(w.db, '2026-10');
    const mine = report.recipients.filter((r) => ['T1:UCREATOR', '80351110224678777'].includes(r.externalId));
    expect(mine).toHaveLength(2);
    const earnings = await api();
    for (const r of mine) {
      const identity = earnings.identities.find((i) => i.externalId === r.externalId)!;
      expect(identity.received).toEqual([{ minor: Number(r.amount), currency: 'EUR' }]);
    }
    const total = mine.reduce((sum, r) => sum + Number(r.amount), 0);
    expect(earnings.balances).toEqual([{ minor: total, currency: 'EUR' }]);
    expect(earnings.months).toHaveLength(1);
    const [month] = earnings.months;
    expect(month!.period).toBe('2026-10');
    expect(month!.received).toEqual([{ minor: total, currency: 'EUR' }]);
    expect(month!.flattrs).toBe(mine.reduce((n, r) => n + r.flattrs, 0));
    // Per community: the shares of each flattr, summed where it was made; cy (charged nothing) counts nowhere.
    const byCommunity = Object.fromEntries(month!.communities.map((c) => [`${c.platform}:${c.community}`, c]));
    expect(Object.keys(byCommunity).sort()).toEqual(['discord:7000000000000001', 'slack:T1', 'slack:T2']);
    expect(byCommunity['slack:T1']).toMatchObject({ flattrs: 3, supporters: 2 });
    expect(byCommunity['slack:T2']).toMatchObject({ flattrs: 1, supporters: 1 });
    expect(month!.communities.reduce((sum, c) => sum + c.amount.minor, 0)).toBe(total);
    // ana: 10.00 − 10% over 4 flattrs = 2.25 each; bob: 6.30 over 3 = 2.10 each.
    expect(byCommunity['slack:T1']!.amount.minor).toBe(225 * 2 + 210);
    expect(byCommunity['discord:7000000000000001']!.amount.minor).toBe(420);

    const page = await creator.browser.get('/earnings');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Your earnings</h1>');
    expect(page.body).toContain(`<p class="amount">€${(total / 100).toFixed(2)}</p>`);
    expect(page.body).toContain('<caption>October 2026: €13.05 · 6 flattrs</caption>');
    expect(page.body).toContain('<td>Makers (Slack)</td><td class="num">€6.60</td><td class="num">3</td><td class="num">2</td>');
    expect(page.body).toContain('<td>T1:UCREATOR (Slack)</td><td class="num">€8.85</td>');
    expect(page.body).toContain('aria-current="page">Earnings</a>');
  });

  it('reads the sums once: a second look finds them stored, and changes nothing', async () => {
    const stored = await w.count('creator_earnings');
    expect(stored).toBe(3);
    const before = await Promise.all(['transfers', 'entries', 'supporter_settlements'].map((t) => w.count(t)));
    await api();
    expect(await w.count('creator_earnings')).toBe(3);
    expect(await Promise.all(['transfers', 'entries', 'supporter_settlements'].map((t) => w.count(t)))).toEqual(before);
  });

  it('shows escrow still held for one of the creator’s accounts, with the date it goes back', async () => {
    await w.escrow('twitter', '2244994945', 450n);
    const [credit] = await w.db.$queryRawUnsafe<{ at: Date }[]>(
      `SELECT max(t.created_at) AS at FROM transfers t JOIN entries e ON e.transfer_id = t.id JOIN accounts a ON a.id = e.account_id
        JOIN identities i ON i.id = a.identity_id WHERE i.external_id = '2244994945'`);
    // Held for an account of the creator's that has not been swept into the balance yet.
    await w.db.$executeRawUnsafe(`UPDATE identities SET user_id = $1 WHERE platform = 'twitter' AND external_id = '2244994945'`, creator.userId);
    const returnsFrom = new Date(credit!.at.getTime() + 90 * 86_400_000);
    // Changed behind the hub's back (as another process would): shown once what a view keeps is too old.
    w.advance(VIEW_TTL_MS + VIEW_STALE_MS);
    const earnings = await api();
    expect(earnings.escrow).toEqual([{ identity: { platform: 'twitter', externalId: '2244994945', handle: null }, amount: { minor: 450, currency: 'EUR' }, returnsFrom: returnsFrom.toISOString() }]);
    const page = await creator.browser.get('/earnings');
    const day = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(returnsFrom);
    expect(page.body).toContain(`2244994945 (X): <strong>€4.50</strong>, goes back to the supporters from ${day}`);
    const fr = await creator.browser.get('/earnings', { 'accept-language': 'fr' });
    const jour = new Intl.DateTimeFormat('fr', { dateStyle: 'long', timeZone: 'UTC' }).format(returnsFrom);
    expect(fr.body).toContain(`2244994945 (X): <strong>4,50\u00a0€</strong>, retourne aux soutiens à partir du ${jour}`);
  });

  it('speaks French', async () => {
    const res = await creator.browser.get('/earnings', { 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="fr">');
    expect(res.body).toContain('<h1>Vos revenus</h1>');
    expect(res.body).toContain('<caption>octobre 2026: 13,05\u00a0€ · 6 flattrs</caption>');
    expect(res.body).toContain('aria-current="page">Revenus</a>');
  });

  it('pages by month, twelve at a time, newest first', async () => {
    const [identity] = await w.db.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM identities WHERE external_id = 'T1:UCREATOR'`);
    // Fourteen earlier settled months (as if settled long ago), summed already.
    for (let i = 1; i <= 14; i++) {
      const period = `2025-${String(((i - 1) % 12) + 1).padStart(2, '0')}`.replace(/^2025/, i > 12 ? '2024' : '2025');
      await w.db.$executeRawUnsafe(`INSERT INTO settlement_runs (period, status, fee_bps, policy, cutoff) VALUES ($1, 'settled', 1000, 'keep', now())`, period);
      await w.db.$executeRawUnsafe(`INSERT INTO creator_earnings (identity_id, period, currency, community, amount, flattrs, supporters) VALUES ($1, $2, 'EUR', 'T1', $3, 1, 1)`, identity!.id, period, i);
      await w.db.$executeRawUnsafe(`INSERT INTO creator_earnings_periods (identity_id, period) VALUES ($1, $2)`, identity!.id, period);
    }
    w.advance(VIEW_TTL_MS + VIEW_STALE_MS);
    const first = await api();
    expect(first.months.map((m) => m.period)).toEqual(['2026-10', '2025-12', '2025-11', '2025-10', '2025-09', '2025-08', '2025-07', '2025-06', '2025-05', '2025-04', '2025-03', '2025-02']);
    expect(first.page).toMatchObject({ number: 1, hasMore: true });
    const second = JSON.parse((await creator.browser.json('GET', '/api/v1/earnings?page=2')).body) as Earnings;
    expect(second.months.map((m) => m.period)).toEqual(['2025-01', '2024-02', '2024-01']);
    expect(second.page).toMatchObject({ number: 2, hasMore: false });
    const html = (await creator.browser.get('/earnings?page=2')).body;
    expect(html).toContain('<a class="button" href="/earnings?page=1#months">Newer months</a>');
    expect(html).not.toContain('Older months');
    expect((await creator.browser.get('/earnings')).body).toContain('<a class="button" href="/earnings?page=2#months">Older months</a>');
  });

  it('refuses the signed out (401) and a page that is not a whole number (422)', async () => {
    const page = await w.browser().get('/earnings');
    expect(page.status).toBe(401);
    expect(page.body).toContain('Please sign in');
    expect((await w.browser().json('GET', '/api/v1/earnings')).status).toBe(401);
    for (const bad of ['0', '-1', 'two', '1.5']) {
      expect((await creator.browser.get(`/earnings?page=${bad}`)).status, bad).toBe(422);
      const res = await creator.browser.json('GET', `/api/v1/earnings?page=${bad}`);
      expect(res.status, bad).toBe(422);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'invalid_input' } });
    }
  });
});
