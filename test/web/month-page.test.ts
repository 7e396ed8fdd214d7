import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/domain/money.js';
import { addFlattrs, addManyFlattrs, settle, settledShares } from './support/month-world.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';
import { VIEW_STALE_MS, VIEW_TTL_MS } from '../../src/web/web-views.js';

type Browser = ReturnType<WebWorld['browser']>;

/** Each listed flattr's id (from its undo button) and the share shown beside it. */
function rowsOf(page: string): { id: string; share: string }[] {
  return [...page.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].flatMap(([, row]) => {
    const id = /<button name="flattr" value="(\d+)"/.exec(row!)?.[1];
    const share = /<td class="num">([^<]*)<\/td>/.exec(row!)?.[1];
    return id && share ? [{ id, share }] : [];
  });
}
const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
const eur = (minor: bigint, locale = 'en') => formatMoney({ minor, currency: 'EUR' }, locale);
const unescape = (text: string) => text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** `/` signed in: the supporter's month, the budget form and undo, in English and French. */
describe('month page', () => {
  let w: WebWorld;
  let seq = 0;
  const nextId = () => `T1:U${++seq}MPAGE`;
  beforeAll(async () => { w = await createWebWorld(); });
  afterAll(async () => { await w?.close(); });

  const budgetOf = async (userId: number) => (await w.db.$queryRawUnsafe<{ budget_minor: bigint; currency: string }[]>(
    `SELECT s.budget_minor, trim(u.currency) AS currency FROM users u JOIN supporter_settings s ON s.user_id = u.id WHERE u.id = $1`, userId))[0];
  const page = async (browser: Browser, url = '/') => {
    const res = await browser.get(url);
    expect(res.status, res.body).toBe(200);
    return res.body;
  };

  it('signed out, / is the sign-in page and the month\'s forms answer 401, changing nothing', async () => {
    const res = await w.browser().get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Sign in');
    expect(res.body).not.toContain('action="/month/budget"');
    for (const url of ['/month/budget', '/month/undo']) {
      const refused = await w.browser().postForm(url, { amount: '10', flattr: '1' });
      expect(refused.status, url).toBe(401);
      expect(refused.body).toContain('Please sign in');
    }
  });

  it('a user with no budget sees how to start, and the labelled form starts them (303 back to /)', async () => {
    const { userId, browser } = await w.signedIn('slack', nextId());
    const before = await page(browser);
    expect(before).toContain('Your month: November 2026');
    expect(before).toContain('Set a budget to start');
    expect(before).toMatch(/Signed in as Slack T1:U\d+MPAGE\./);
    expect(before).toContain('<label for="budget-amount">Amount per month</label>');
    expect(before).toContain('<label for="budget-currency">Currency</label>');
    expect(before).toContain('<button type="submit">Save budget</button>');
    expect(before).toMatch(/<nav aria-label="Pages"><ul><li><a href="\/" aria-current="page">This month<\/a>/);
    const saved = await browser.postForm('/month/budget', { _csrf: csrfOf(before), amount: '12.5', currency: 'EUR' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/?done=budget');
    const after = await page(browser, '/?done=budget');
    expect(after).toContain('Budget saved: €12.50 a month.');
    expect(after).not.toContain('Set a budget to start');
    expect(after).toContain('Likes count only on the platforms you turn on');
    expect(await budgetOf(userId)).toEqual({ budget_minor: 1250n, currency: 'EUR' });
  });

  it('refuses "35,5", "-2" and the like with 422 and a readable message on the page, changing nothing', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 0n);
    const { browser } = await w.signedIn('slack', id);
    const csrf = csrfOf(await page(browser));
    for (const amount of ['35,5', '-2', '1e3', '', '10.001']) {
      const res = await browser.postForm('/month/budget', { _csrf: csrf, amount, currency: 'EUR' });
      expect(res.status, amount).toBe(422);
      const body = unescape(res.body);
      expect(body, amount).toContain(`<p class="form-error" role="alert">“${amount}” is not an amount: write digits with a dot before the cents, e.g. 35.50. Nothing was changed.</p>`);
      // What was typed stays in the field, to be corrected.
      expect(body).toContain(`name="amount" inputmode="decimal" autocomplete="off" required value="${amount}"`);
    }
    const bad = await browser.postForm('/month/budget', { _csrf: csrf, amount: '10', currency: 'XYZ' });
    expect(bad.status).toBe(422);
    expect(unescape(bad.body)).toContain('“XYZ” is not a currency code');
    expect(await budgetOf(userId)).toEqual({ budget_minor: 3500n, currency: 'EUR' });
  });

  it('refuses a currency switch on a funded wallet with the CURRENCY_LOCKED explanation; an empty wallet may switch', async () => {
    const funded = nextId();
    const userId = await w.supporter('slack', funded, 1234n);
    const { browser } = await w.signedIn('slack', funded);
    const res = await browser.postForm('/month/budget', { _csrf: csrfOf(await page(browser)), amount: '10', currency: 'USD' });
    expect(res.status).toBe(422);
    expect(res.body).toContain('Your wallet holds €12.34, so the currency cannot change from EUR to USD: money is never converted.');
    expect(res.body).toContain('Nothing was changed.');
    expect(await budgetOf(userId)).toEqual({ budget_minor: 3500n, currency: 'EUR' });

    const empty = nextId();
    const emptyId = await w.supporter('slack', empty, 0n);
    const other = await w.signedIn('slack', empty);
    const switched = await other.browser.postForm('/month/budget', { _csrf: csrfOf(await page(other.browser)), amount: '1000', currency: 'JPY' });
    expect(switched.status).toBe(303);
    expect(await budgetOf(emptyId)).toEqual({ budget_minor: 1000n, currency: 'JPY' });
    expect(await page(other.browser)).toContain('<option value="JPY" selected>JPY</option>');
  });

  it('a missing or wrong CSRF token is 403 and changes nothing', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 1000n);
    const [flattr] = await addFlattrs(w.db, userId, [{ creator: 'T1:UCSRF', item: 'T1:C1:1762400000.000001' }]);
    const { browser } = await w.signedIn('slack', id);
    for (const fields of [{}, { _csrf: 'forged' }] as Record<string, string>[]) {
      expect((await browser.postForm('/month/budget', { ...fields, amount: '1' })).status).toBe(403);
      expect((await browser.postForm('/month/undo', { ...fields, flattr: String(flattr) })).status).toBe(403);
    }
    expect(await budgetOf(userId)).toEqual({ budget_minor: 3500n, currency: 'EUR' });
    expect(rowsOf(await page(browser)).map((r) => r.id)).toEqual([String(flattr)]);
  });

  it('undo removes a flattr from the month (the rest share its money); another user\'s flattr is 404 and stays', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 3000n);
    const [first, second, third] = await addFlattrs(w.db, userId, [
      { creator: 'T1:UUNDO1', item: 'T1:C1:1762400001.000001', occurredAt: '2026-11-03T10:00:00Z' },
      { creator: 'T1:UUNDO2', item: 'T1:C1:1762400001.000002', occurredAt: '2026-11-04T10:00:00Z' },
      { creator: 'T1:UUNDO3', item: 'T1:C1:1762400001.000003', occurredAt: '2026-11-05T10:00:00Z' },
    ]);
    const stranger = await w.supporter('slack', nextId(), 0n);
    const [theirs] = await addFlattrs(w.db, stranger, [{ creator: 'T1:UUNDO1', item: 'T1:C1:1762400001.000009' }]);
    const { browser } = await w.signedIn('slack', id);
    const before = await page(browser);
    // 30.00 − 3.00 fee = 27.00 over three, newest like first.
    expect(rowsOf(before)).toEqual([{ id: String(third), share: '€9.00' }, { id: String(second), share: '€9.00' }, { id: String(first), share: '€9.00' }]);
    expect(before).toContain('aria-label="Undo flattr: T1:UUNDO2"');
    expect(before).toContain('<p class="hint"><sup>*</sup> not joined yet: their share is kept for them until they join</p>');

    // One form around the list, its CSRF token once; each button names its flattr.
    expect(before.match(/name="_csrf"/g)).toHaveLength(3);
    const undone = await browser.postForm('/month/undo', { _csrf: csrfOf(before), flattr: String(second) });
    expect(undone.status).toBe(303);
    expect(undone.headers.location).toBe('/?done=undone#flattrs');
    const after = await page(browser, '/?done=undone');
    expect(after).toContain('Flattr undone: it no longer counts this month.');
    expect(rowsOf(after)).toEqual([{ id: String(third), share: '€13.50' }, { id: String(first), share: '€13.50' }]);

    for (const target of [String(theirs), '999999999', 'abc', '']) {
      const res = await browser.postForm('/month/undo', { _csrf: csrfOf(before), flattr: target });
      expect(res.status, target).toBe(404);
      expect(res.body).toContain('You have no flattr with this number. Nothing was changed.');
    }
    const statuses = await w.db.$queryRawUnsafe<{ id: bigint; status: string }[]>(`SELECT id, status FROM flattrs WHERE id = ANY($1::int8[]) ORDER BY id`, [first, second, third, theirs]);
    expect(statuses.map((s) => s.status)).toEqual(['active', 'revoked', 'active', 'active']);
  });

  it('a flattr of a month that is settling cannot be undone: 409 with the reason', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 3000n);
    const [october] = await addFlattrs(w.db, userId, [{ creator: 'T1:UOCTP', item: 'T1:C1:1760000001.000001', occurredAt: '2026-10-20T10:00:00Z' }], '2026-10');
    await settle(w.db, '2026-10', new Date('2026-11-02T00:00:00Z'));
    const { browser } = await w.signedIn('slack', id);
    const res = await browser.postForm('/month/undo', { _csrf: csrfOf(await page(browser)), flattr: String(october) });
    expect(res.status).toBe(409);
    expect(res.body).toContain('October 2026 is settled or being settled, so its flattrs can no longer be undone. Nothing was changed.');
  });

  it('lists 100 flattrs a page, with next and previous, while the totals count every flattr', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 3500n);
    await addManyFlattrs(w.db, userId, 450);
    const { browser } = await w.signedIn('slack', id);
    const first = await page(browser);
    expect(first).toContain('450 flattrs this month');
    expect(first).toContain('<td class="num">€31.50</td>');
    expect(rowsOf(first)).toHaveLength(100);
    expect(first).toContain('<a href="/?page=2#flattrs" rel="next">Next page</a>');
    expect(first).toContain('Page 1 of 5');
    const last = await page(browser, '/?page=5');
    expect(rowsOf(last)).toHaveLength(50);
    expect(last).toContain('<a href="/?page=4#flattrs" rel="prev">Previous page</a>');
    expect(last).not.toContain('rel="next"');
    // A new like by another process shows once the short-lived split (2 s) is computed again: the first view
    // after that starts the computation (answered from the split it has), a later one shows the new.
    await addFlattrs(w.db, userId, [{ creator: 'T1:ULATE', item: 'T1:C1:1762400002.000001', occurredAt: '2026-11-09T10:00:00Z' }]);
    expect(await page(browser)).toContain('450 flattrs this month');
    w.advance(VIEW_TTL_MS);
    await expect.poll(() => page(browser), { timeout: 5_000, interval: 20 }).toContain('451 flattrs this month');
    // A reader back after a while never sees an old reading: past the stale window the view reads afresh.
    await addFlattrs(w.db, userId, [{ creator: 'T1:ULATE', item: 'T1:C1:1762400003.000001', occurredAt: '2026-11-09T11:00:00Z' }]);
    w.advance(VIEW_TTL_MS + VIEW_STALE_MS);
    expect(await page(browser)).toContain('452 flattrs this month');
  });

  it('is kept per reading and sent gzipped where accepted; a change made on another page shows at once', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 3500n);
    await addManyFlattrs(w.db, userId, 20);
    const { browser } = await w.signedIn('slack', id);
    const plain = await page(browser);
    const cookie = [...browser.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ');
    for (const url of ['/', '/api/v1/month']) {
      const zipped = await w.app.inject({ method: 'GET', url, headers: { cookie, 'accept-encoding': 'gzip, deflate, br', 'accept-language': 'en' } });
      expect(zipped.statusCode).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(String(zipped.headers.vary)).toContain('Accept-Encoding');
      expect(zipped.headers['cache-control']).toBe('no-store');
      const text = gunzipSync(zipped.rawPayload).toString('utf8');
      if (url === '/') expect(text).toBe(plain);
      else expect(JSON.parse(text)).toMatchObject({ supporter: { flattrs: { total: 20 } } });
    }
    expect(plain).not.toContain('none is on yet');
    // Settings saved through this hub: the month page's kept reading is forgotten with the answer.
    const settings = await page(browser, '/settings');
    expect((await browser.postForm('/settings', { _csrf: csrfOf(settings), statement: 'on' })).status).toBe(303);
    expect(await page(browser)).toContain('Likes count only on the platforms you turn on, and none is on yet.');
    // Back from a change made through another api process (its 303 says ?done=…): read afresh here too.
    await w.db.$executeRawUnsafe(`UPDATE supporter_settings SET budget_minor = 4200 WHERE user_id = $1`, userId);
    expect(await page(browser)).not.toContain('€42.00');
    expect(await page(browser, '/?done=budget')).toContain('Budget saved: €42.00 a month.');
  });

  it('shows what settling the month gives each flattr, and a budget change changes the shares', async () => {
    // A world of its own: once November is settling, the others' month would be December.
    const own = await createWebWorld();
    try {
      const id = 'T1:USETTLEPAGE';
      const userId = await own.supporter('slack', id, 2000n);
      await addFlattrs(own.db, userId, Array.from({ length: 7 }, (_, i) => ({ creator: `T1:UP${i % 4}`, item: `T1:C1:17624${i}0000.000100`, occurredAt: `2026-11-0${i + 1}T09:00:00Z` })));
      const { browser } = await own.signedIn('slack', id);
      const before = await page(browser);
      // A = 20.00, F = 2.00, D = 18.00 over 7.
      expect(before).toContain('<tr><th scope="row">Would be charged now</th><td class="num">€20.00</td></tr>');
      expect(before).toContain('<tr><th scope="row">Fee (10%)</th><td class="num">€2.00</td></tr>');
      expect(before).toContain('<tr><th scope="row">Goes to creators</th><td class="num">€18.00</td></tr>');
      expect(rowsOf(before).map((r) => r.share).sort()).toEqual(['€2.57', '€2.57', '€2.57', '€2.57', '€2.57', '€2.57', '€2.58']);

      expect((await browser.postForm('/month/budget', { _csrf: csrfOf(before), amount: '10.00', currency: 'EUR' })).status).toBe(303);
      const after = await page(browser);
      expect(after).toContain('<tr><th scope="row">Goes to creators</th><td class="num">€9.00</td></tr>');
      const shown = rowsOf(after);
      expect(shown.map((r) => r.share).sort()).toEqual(['€1.28', '€1.28', '€1.28', '€1.29', '€1.29', '€1.29', '€1.29']);

      await settle(own.db);
      const settled = await settledShares(own.db, userId);
      expect(new Map(shown.map((r) => [r.id, r.share]))).toEqual(new Map([...settled.shares].map(([fid, minor]) => [fid, eur(minor)])));
    } finally {
      await own.close();
    }
  });

  it('speaks French from Accept-Language, amounts and dates included', async () => {
    const id = nextId();
    const userId = await w.supporter('slack', id, 2000n);
    await addFlattrs(w.db, userId, [{ creator: 'T1:UFR', item: 'T1:C1:1762500000.000001', occurredAt: '2026-11-06T15:30:00Z' }]);
    const { browser } = await w.signedIn('slack', id, 'fr-FR,fr;q=0.9');
    const body = await page(browser);
    expect(body).toContain('<html lang="fr">');
    expect(body).toContain('Votre mois : novembre 2026');
    expect(body).toContain('1 flattr ce mois-ci');
    expect(body).toContain(`<td class="num">${eur(1800n, 'fr')}</td>`);
    expect(body).toContain(`<td>${new Intl.DateTimeFormat('fr', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date('2026-11-06T15:30:00Z'))}</td>`);
    expect(body).toContain(`Connecté en tant que Slack ${id}.`);
    expect(body).toContain('<label for="budget-amount">Montant par mois</label>');
    expect(body).toContain('Annuler le flattr');
    const refused = await browser.postForm('/month/budget', { _csrf: csrfOf(body), amount: '35,5', currency: 'EUR' });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('« 35,5 » n’est pas un montant');
  });
});
