import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitBudget } from '../../src/domain/split.js';
import { addFlattrs, addManyFlattrs, MONTH, settle, settledShares } from './support/month-world.js';
import { createWebWorld, PUBLIC_URL, type WebWorld } from './support/web-world.js';

type Money = { minor: number; currency: string };
type Flattr = { id: number; recipient: { platform: string; externalId: string; handle: string | null; claimed: boolean }; community: { id: string; name: string | null } | null; item: string; link: string | null; likedAt: string; share: Money };
type Month = {
  period: string; currency: string;
  supporter: null | { budget: Money; active: boolean; platforms: string[]; wallet: Money; available: Money; charged: Money; fee: Money; distributable: Money; flattrs: { total: number; page: number; pages: number; pageSize: number; items: Flattr[] } };
};

/** GET /api/v1/month, PUT /api/v1/budget and DELETE /api/v1/flattrs/:id: the month page's data and changes for scripts. */
describe('month API', () => {
  let w: WebWorld;
  let seq = 0;
  const nextId = () => `T1:U${++seq}MAPI`;
  beforeAll(async () => { w = await createWebWorld(); });
  afterAll(async () => { await w?.close(); });

  type Browser = ReturnType<WebWorld['browser']>;
  const csrfOf = async (browser: Browser) => (JSON.parse((await browser.json('GET', '/api/v1/me')).body) as { auth: { csrfToken: string } }).auth.csrfToken;
  const month = async (browser: Browser, query = '') => {
    const res = await browser.json('GET', `/api/v1/month${query}`);
    expect(res.status, res.body).toBe(200);
    return JSON.parse(res.body) as Month;
  };
  const budgetOf = async (userId: number) => (await w.db.$queryRawUnsafe<{ budget_minor: bigint; currency: string }[]>(
    `SELECT s.budget_minor, trim(u.currency) AS currency FROM users u JOIN supporter_settings s ON s.user_id = u.id WHERE u.id = $1`, userId))[0];

  it('answers 401 without a session or token, and changes nothing', async () => {
    const anonymous = w.browser();
    for (const [method, url, body] of [['GET', '/api/v1/month'], ['PUT', '/api/v1/budget', { amount: '10' }], ['DELETE', '/api/v1/flattrs/1']] as const) {
      const res = await anonymous.json(method, url, body);
      expect(res.status, url).toBe(401);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    }
  });

  it('a user with no budget yet gets supporter: null, and PUT /api/v1/budget starts them', async () => {
    const { userId, browser } = await w.signedIn('slack', nextId());
    expect(await month(browser)).toEqual({ period: MONTH, currency: 'EUR', supporter: null });
    const put = await browser.json('PUT', '/api/v1/budget', { amount: '12.50' }, { 'x-csrf-token': await csrfOf(browser), origin: PUBLIC_URL });
    expect(put.status, put.body).toBe(200);
    expect((JSON.parse(put.body) as Month).supporter).toMatchObject({ budget: { minor: 1250, currency: 'EUR' }, wallet: { minor: 0, currency: 'EUR' }, charged: { minor: 0 } });
    expect(await budgetOf(userId)).toEqual({ budget_minor: 1250n, currency: 'EUR' });
  });

  it("each flattr's share is what settling the month gives it, before and after a budget change", async () => {
    // A world of its own: once November is settling, the others' month would be December.
    const main = w;
    w = await createWebWorld();
    try {
      await sharesMatchSettlement();
    } finally {
      await w.close();
      w = main;
    }
  });

  async function sharesMatchSettlement() {
    const id = nextId();
    const supporterId = await w.supporter('slack', id, 2000n);
    const { userId: claimedCreator } = await w.userWithLink('slack', 'T1:UCLAIMEDAPI');
    const ids = await addFlattrs(w.db, supporterId, [
      { creator: 'T1:UCLAIMEDAPI', item: 'T1:C1:1762300000.000100' },
      ...Array.from({ length: 6 }, (_, i) => ({ creator: `T1:UC${i % 3}API`, item: `T1:C1:176230000${i}.000200`, occurredAt: `2026-11-0${i + 1}T08:00:00Z` })),
    ]);
    expect(claimedCreator).toBeGreaterThan(0);
    const { browser } = await w.signedIn('slack', id);
    const before = await month(browser);
    // A = min(35.00, 20.00) = 20.00, F = 2.00, D = 18.00 over 7 flattrs: 257 each and one cent more for one of them.
    expect(before.supporter).toMatchObject({
      budget: { minor: 3500 }, wallet: { minor: 2000 }, available: { minor: 2000 }, charged: { minor: 2000 }, fee: { minor: 200 }, distributable: { minor: 1800 },
      flattrs: { total: 7, page: 1, pages: 1, pageSize: 100 },
    });
    const items = before.supporter!.flattrs.items;
    expect(items.map((f) => f.id).sort((a, b) => a - b)).toEqual(ids.map(Number));
    expect(items.reduce((sum, f) => sum + f.share.minor, 0)).toBe(1800);
    // Newest like first; the claimed creator's share goes to their balance, the others' would wait in escrow.
    expect(items.map((f) => f.likedAt)).toEqual([...items.map((f) => f.likedAt)].sort().reverse());
    expect(items.find((f) => f.recipient.externalId === 'T1:UCLAIMEDAPI')).toMatchObject({
      recipient: { platform: 'slack', claimed: true }, community: { id: 'T1', name: null }, item: 'T1:C1:1762300000.000100', link: 'https://app.slack.com/client/T1/C1',
    });
    // The pure specification of the split agrees.
    const spec = splitBudget({ supporterId, period: MONTH, budget: 3500n, wallet: 2000n, feeBps: 1000, policy: 'keep', flattrs: ids.map((fid) => ({ id: fid, recipientIdentityId: 0 })) });
    expect(new Map(items.map((f) => [String(f.id), BigInt(f.share.minor)]))).toEqual(new Map(spec.shares.map((s) => [String(s.flattrId), s.amount])));

    const put = await browser.json('PUT', '/api/v1/budget', { amount: '10', currency: 'EUR' }, { 'x-csrf-token': await csrfOf(browser) });
    expect(put.status, put.body).toBe(200);
    const after = JSON.parse(put.body) as Month;
    // A = 10.00, F = 1.00, D = 9.00 over 7: 128 each and 4 cents more.
    expect(after.supporter).toMatchObject({ budget: { minor: 1000 }, charged: { minor: 1000 }, fee: { minor: 100 }, distributable: { minor: 900 } });
    const shown = new Map(after.supporter!.flattrs.items.map((f) => [String(f.id), BigInt(f.share.minor)]));
    expect([...shown.values()].sort()).toEqual([128n, 128n, 128n, 129n, 129n, 129n, 129n]);
    expect(await month(browser)).toEqual(after);

    await settle(w.db);
    const settled = await settledShares(w.db, supporterId);
    expect({ charged: settled.charged, fee: settled.fee }).toEqual({ charged: 1000n, fee: 100n });
    expect(settled.shares).toEqual(shown);
  }

  it('refuses bad amounts, bad currencies and a currency switch on a funded wallet with 422, and changes nothing', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 500n);
    const { browser } = await w.signedIn('slack', id);
    const csrf = await csrfOf(browser);
    const cases: [unknown, string, RegExp][] = [
      [{ amount: '35,5' }, 'invalid_input', /"35,5" is not an amount/],
      [{ amount: '-2' }, 'invalid_input', /"-2" is not an amount/],
      [{ amount: '1e3' }, 'invalid_input', /not an amount/],
      [{ amount: '10.001' }, 'invalid_input', /more than 2 decimals/],
      [{ amount: '' }, 'invalid_input', /give the monthly amount/],
      [{ amount: 35 }, 'invalid_input', /amount/],
      [{}, 'invalid_input', /amount/],
      [{ amount: '10', currency: 'EURO' }, 'invalid_input', /not an ISO 4217 currency/],
      [{ amount: '10', extra: true }, 'invalid_input', /extra|Unrecognized/],
      [{ amount: '10', currency: 'USD' }, 'currency_locked', /wallet holds 5\.00 EUR.*Nothing was changed/],
    ];
    for (const [body, code, message] of cases) {
      const res = await browser.json('PUT', '/api/v1/budget', body, { 'x-csrf-token': csrf });
      expect(res.status, JSON.stringify(body)).toBe(422);
      const error = (JSON.parse(res.body) as { error: { code: string; message: string } }).error;
      expect(error.code, JSON.stringify(body)).toBe(code);
      expect(error.message).toMatch(message);
    }
    expect(await budgetOf(userId)).toEqual({ budget_minor: 3500n, currency: 'EUR' });
  });

  it('needs the CSRF token with a session, not with a Bearer token', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 0n);
    const { browser } = await w.signedIn('slack', id);
    for (const headers of [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': await csrfOf(browser), origin: 'https://evil.example' }] as Record<string, string>[]) {
      const res = await browser.json('PUT', '/api/v1/budget', { amount: '1' }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('csrf');
    }
    expect(await budgetOf(userId)).toEqual({ budget_minor: 3500n, currency: 'EUR' });
    const created = await browser.json('POST', '/api/v1/tokens', { name: 'budget script' }, { 'x-csrf-token': await csrfOf(browser) });
    const { token } = JSON.parse(created.body) as { token: string };
    const script = w.browser();
    const put = await script.json('PUT', '/api/v1/budget', { amount: '7.25' }, { authorization: `Bearer ${token}` });
    expect(put.status, put.body).toBe(200);
    expect(await budgetOf(userId)).toEqual({ budget_minor: 725n, currency: 'EUR' });
  });

  it('DELETE /api/v1/flattrs/:id undoes one of your flattrs; another user\'s id, or one that names nothing, is 404 and changes nothing', async () => {
    const id = nextId();
    const supporterId = await w.supporter('slack', id, 3500n);
    const [mine, kept] = await addFlattrs(w.db, supporterId, [{ creator: 'T1:UDEL1', item: 'T1:C1:1762300001.000001' }, { creator: 'T1:UDEL2', item: 'T1:C1:1762300001.000002' }]);
    const otherId = nextId();
    const other = await w.supporter('slack', otherId, 0n);
    const [theirs] = await addFlattrs(w.db, other, [{ creator: 'T1:UDEL1', item: 'T1:C1:1762300001.000003' }]);
    const { browser } = await w.signedIn('slack', id);
    const csrf = await csrfOf(browser);
    const status = async (fid: bigint) => (await w.db.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM flattrs WHERE id = $1`, fid))[0]!.status;
    expect((await month(browser)).supporter!.flattrs.items.map((f) => f.share.minor)).toEqual([1575, 1575]);

    for (const url of [`/api/v1/flattrs/${theirs}`, '/api/v1/flattrs/999999999', '/api/v1/flattrs/abc', '/api/v1/flattrs/-1']) {
      const res = await browser.json('DELETE', url, undefined, { 'x-csrf-token': csrf });
      expect(res.status, url).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe('not_found');
    }
    expect(await status(theirs!)).toBe('active');
    expect((await browser.json('DELETE', `/api/v1/flattrs/${mine}`)).status).toBe(403);
    expect(await status(mine!)).toBe('active');

    const res = await browser.json('DELETE', `/api/v1/flattrs/${mine}`, undefined, { 'x-csrf-token': csrf });
    expect(res.status, res.body).toBe(204);
    expect(await status(mine!)).toBe('revoked');
    // The one left now gets the whole 31.50.
    expect((await month(browser)).supporter!.flattrs).toMatchObject({ total: 1, items: [{ id: Number(kept), share: { minor: 3150 } }] });
    // Undoing it again changes nothing and says so without an error.
    expect((await browser.json('DELETE', `/api/v1/flattrs/${mine}`, undefined, { 'x-csrf-token': csrf })).status).toBe(204);
  });

  it('a flattr of a month that has started settling cannot be undone: 409, nothing changed', async () => {
    const id = nextId();
    const supporterId = await w.supporter('slack', id, 3500n);
    const [october] = await addFlattrs(w.db, supporterId, [{ creator: 'T1:UOCT', item: 'T1:C1:1760000000.000001', occurredAt: '2026-10-20T10:00:00Z' }], '2026-10');
    await settle(w.db, '2026-10', new Date('2026-11-02T00:00:00Z'));
    const { browser } = await w.signedIn('slack', id);
    const res = await browser.json('DELETE', `/api/v1/flattrs/${october}`, undefined, { 'x-csrf-token': await csrfOf(browser) });
    expect(res.status, res.body).toBe(409);
    expect(JSON.parse(res.body).error).toEqual({ code: 'period_settling', message: expect.stringMatching(/2026-10 has started settling/) });
    expect((await w.db.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM flattrs WHERE id = $1`, october))[0]!.status).toBe('active');
  });

  it('pages 100 flattrs at a time while the totals count them all', async () => {
    const id = nextId();
    const supporterId = await w.supporter('slack', id, 3500n);
    await addManyFlattrs(w.db, supporterId, 450);
    const { browser } = await w.signedIn('slack', id);
    const pages = [await month(browser), ...await Promise.all([2, 3, 4, 5, 9].map((n) => month(browser, `?page=${n}`)))];
    expect(pages.map((p) => [p.supporter!.flattrs.page, p.supporter!.flattrs.items.length])).toEqual([[1, 100], [2, 100], [3, 100], [4, 100], [5, 50], [5, 50]]);
    expect(pages.every((p) => p.supporter!.flattrs.total === 450 && p.supporter!.flattrs.pages === 5)).toBe(true);
    const all = pages.slice(0, 5).flatMap((p) => p.supporter!.flattrs.items);
    expect(new Set(all.map((f) => f.id)).size).toBe(450);
    expect(all.reduce((sum, f) => sum + f.share.minor, 0)).toBe(3150);
    for (const query of ['?page=0', '?page=x', '?page=-1']) expect((await browser.json('GET', `/api/v1/month${query}`)).status, query).toBe(422);
  });

  it('is in the OpenAPI document', async () => {
    const doc = JSON.parse((await w.browser().get('/api/v1/openapi.json')).body) as { paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.paths['/api/v1/month']?.get?.operationId).toBe('getMonth');
    expect(doc.paths['/api/v1/budget']?.put?.operationId).toBe('putBudget');
    expect(doc.paths['/api/v1/flattrs/{id}']?.delete?.operationId).toBe('undoFlattr');
  });
});
