import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewSettlement } from '../../src/settlement/preview-settlement.js';
import { settlementSettings } from '../../src/settlement/settings-from-config.js';
import { createLogger } from '../../src/support/logger.js';
import { setUserAdmin } from '../../src/web/admin/set-user-admin.js';
import { createApiToken } from '../../src/web/api-tokens.js';
import { settleInProcess } from '../../workers/settle-in-process.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';
import { SESSION_CACHE_MS } from '../../src/web/session-cache.js';

const ADMIN_TOKEN = 'operator-token-0123456789abcdef';

/** The operator pages and API: who may see them, what they show, and that a dry run writes nothing. */
describe('the operator pages', { timeout: 120_000 }, () => {
  let w: WebWorld;
  let ana: number;
  const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const tables = ['transfers', 'entries', 'settlement_runs', 'supporter_settlements', 'settlement_recipients', 'settlement_supporters'];
  const counts = () => Promise.all(tables.map((t) => w.count(t)));
  const flattr = (supporterId: number, item: string, period: string) => w.db.$executeRawUnsafe(
    `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, community, period, occurred_at, status, source_event_id)
     VALUES ($1, (SELECT id FROM identities WHERE external_id = 'T1:UCREATOR'), 'slack', $2, 'T1', $3, $4, 'active', $2)`,
    supporterId, item, period, new Date(`${period}-05T12:00:00Z`));

  beforeAll(async () => {
    w = await createWebWorld({ env: { ADMIN_TOKEN } });
    ana = await w.supporter('slack', 'T1:UANA', 3500n);
    await w.db.$executeRawUnsafe(`INSERT INTO identities (platform, external_id) VALUES ('slack', 'T1:UCREATOR')`);
    await flattr(ana, 'T1:C1:1', '2026-10');
    await flattr(ana, 'T1:C1:2', '2026-11');
    await settleInProcess({
      db: w.db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix: w.config.redis.queuePrefix,
      settings: settlementSettings(w.config), concurrency: 1, logger: createLogger('silent'), now: () => w.clock.now,
    }, '2026-10');
    await w.db.$executeRawUnsafe(`INSERT INTO notifications (kind, period, target, platform, community, channel, payload, status, reason, attempts, last_error)
      VALUES ('digest', '2026-10', 'slack:T1', 'slack', 'T1', 'C1', '{"text":"*Payouts for October*"}', 'failed', 'not_in_channel', 1, 'not_in_channel')`);
  });
  afterAll(async () => { await w?.close(); });

  it('answers 401 to the signed out (with a way to give the admin token) and 403 with a readable page to a normal user', async () => {
    const out = await w.browser().get('/admin');
    expect(out.status).toBe(401);
    expect(out.headers['www-authenticate']).toBe('Basic realm="flattr-hub admin"');
    expect(out.body).toContain('Please sign in');
    const { browser } = await w.signedIn('slack', 'T1:UANA');
    for (const path of ['/admin', '/admin/periods/2026-10']) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(403);
      expect(res.body).toContain('This page is for the hub’s operators');
      expect(res.body).toContain('flattr admin grant');
      expect(res.body).not.toContain('2026-10');
    }
    expect((await browser.get('/earnings')).body).not.toContain('href="/admin"');
    const wrong = await w.browser().get('/admin', { authorization: 'Bearer not-the-admin-token-at-all' });
    expect(wrong.status).toBe(401);
  });

  it('opens to the admin token (Bearer or Basic) with runs, counts, timings, the ledger self-check and the tools', async () => {
    for (const authorization of [bearer.authorization, `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString('base64')}`]) {
      const res = await w.browser().get('/admin', { authorization });
      expect(res.status).toBe(200);
      const row = /<tr>\n<td class="nowrap"><a href="\/admin\/periods\/2026-10">2026-10<\/a><\/td>\n<td>settled<\/td>\n<td class="num">1<\/td>\n<td class="num">1<\/td>/.exec(res.body);
      expect(row, res.body).not.toBeNull();
      expect(res.body).toContain('<td class="nowrap"><a href="/admin/periods/2026-11">2026-11</a></td>\n<td>open<br>');
      expect(res.body).toContain('<form method="post" action="/admin/periods/2026-11/dry-run" class="inline"><button type="submit" class="secondary" aria-label="Dry run of 2026-11: what settling it now would move, writing nothing">Dry run</button></form>');
      expect(res.body).not.toContain('action="/admin/periods/2026-10/dry-run"');
      // The self-check that followed the run, from its job on the settle queue.
      expect(res.body).toMatch(/<p>Every invariant holds \(\d+ checked\)\.<\/p><p class="muted">Last checked .+ \(after a settlement 2026-10\)\.<\/p>/);
      expect(res.body).toContain('<a href="/admin/queues">');
      expect(res.body).toContain('<a href="/metrics">');
    }
  });

  it('a granted user sees the Operator link and the pages with their own session; revoked, 403 again', async () => {
    const { userId, browser } = await w.signedIn('slack', 'T1:UOPS');
    expect((await browser.get('/admin')).status).toBe(403);
    await setUserAdmin(w.db, { platform: 'slack', externalId: 'T1:UOPS', admin: true });
    const res = await browser.get('/admin');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<a href="/admin" aria-current="page">Operator</a>');
    // Other pages read the flag with the session: they show the link once the remembered session is read again.
    w.advance(SESSION_CACHE_MS + 1);
    expect((await browser.get('/earnings')).body).toContain('<li><a href="/admin">Operator</a></li>');
    const detail = await browser.get('/admin/periods/2026-10');
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('<td>digest</td><td>failed</td><td>not_in_channel</td><td class="num">1</td>');
    expect(detail.body).toContain('<td>digest</td><td>slack: channel C1</td><td>failed</td><td>not_in_channel');
    const token = await createApiToken(w.db, userId, 'ops script', w.clock.now);
    expect((await w.browser().json('GET', '/api/v1/admin/periods', undefined, { authorization: `Bearer ${token.token}` })).status).toBe(200);
    await setUserAdmin(w.db, { platform: 'slack', externalId: 'T1:UOPS', admin: false });
    expect((await browser.get('/admin')).status).toBe(403);
    w.advance(SESSION_CACHE_MS + 1);
    expect((await browser.get('/earnings')).body).not.toContain('href="/admin"');
    expect((await w.browser().json('GET', '/api/v1/admin/periods', undefined, { authorization: `Bearer ${token.token}` })).status).toBe(403);
  });

  it('a dry run shows what settle --dry-run would move and writes nothing', async () => {
    const before = await counts();
    const preview = await previewSettlement(w.db, '2026-11', settlementSettings(w.config), w.clock.now);
    const res = await w.browser().postForm('/admin/periods/2026-11/dry-run', {}, bearer);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<h1>Dry run of 2026-11</h1>');
    expect(res.body).toContain('The period is still open');
    const t = preview.totals[0]!;
    expect(t).toMatchObject({ currency: 'EUR', supporters: 1, flattrs: 1 });
    expect(res.body).toContain(`<tr><td>EUR</td><td class="num">1</td><td class="num">1</td><td class="num">€${(Number(t.charged) / 100).toFixed(2)}</td><td class="num">€${(Number(t.fees) / 100).toFixed(2)}</td>`);
    const api = await w.browser().json('POST', '/api/v1/admin/periods/2026-11/dry-run', undefined, bearer);
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toMatchObject({ period: '2026-11', runStatus: null, open: true, totals: [{ currency: 'EUR', charged: { minor: Number(t.charged) }, escrowed: { minor: Number(t.escrowed) } }] });
    expect(await counts()).toEqual(before);
    // A month to come, or not a month: refused, nothing written.
    expect((await w.browser().postForm('/admin/periods/2027-05/dry-run', {}, bearer)).status).toBe(422);
    expect((await w.browser().json('POST', '/api/v1/admin/periods/2026-13/dry-run', undefined, bearer)).status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('a session operator needs the CSRF token for the dry-run form, like every form', async () => {
    const { browser } = await w.signedIn('slack', 'T1:UOPS2');
    await setUserAdmin(w.db, { platform: 'slack', externalId: 'T1:UOPS2', admin: true });
    const page = await browser.get('/admin');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    expect((await browser.postForm('/admin/periods/2026-11/dry-run', {})).status).toBe(403);
    expect((await browser.postForm('/admin/periods/2026-11/dry-run', { _csrf: csrf })).status).toBe(200);
  });

  it('the JSON API: periods, one period with its notices, the ledger check; 401 without, 403 for a normal user', async () => {
    const periods = await w.browser().json('GET', '/api/v1/admin/periods', undefined, bearer);
    expect(periods.status).toBe(200);
    const body = JSON.parse(periods.body) as { periods: { period: string; status: string; run: { supporters: number; flattrs: number } | null }[] };
    expect(body.periods.map((p) => [p.period, p.status])).toEqual([['2026-11', 'open'], ['2026-10', 'settled']]);
    expect(body.periods[1]!.run).toMatchObject({ supporters: 1, flattrs: 1 });
    const one = JSON.parse((await w.browser().json('GET', '/api/v1/admin/periods/2026-10', undefined, bearer)).body) as { notices: { counts: unknown[]; unsent: { reason: string }[] } };
    expect(one.notices.counts).toEqual([{ kind: 'digest', status: 'failed', reason: 'not_in_channel', n: 1 }]);
    expect(one.notices.unsent[0]).toMatchObject({ reason: 'not_in_channel', to: 'channel C1' });
    expect((await w.browser().json('GET', '/api/v1/admin/periods/2019-01', undefined, bearer)).status).toBe(404);
    const check = JSON.parse((await w.browser().json('GET', '/api/v1/admin/ledger-check', undefined, bearer)).body) as { last: { ok: boolean; trigger: string; period: string } };
    expect(check.last).toMatchObject({ ok: true, trigger: 'settled', period: '2026-10', broken: [] });

    for (const url of ['/api/v1/admin/periods', '/api/v1/admin/periods/2026-10', '/api/v1/admin/ledger-check']) {
      const res = await w.browser().json('GET', url);
      expect(res.status, url).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'unauthenticated' } });
    }
    const { userId } = await w.userWithLink('slack', 'T1:UANA');
    const token = await createApiToken(w.db, userId, 'script', w.clock.now);
    const forbidden = await w.browser().json('GET', '/api/v1/admin/periods', undefined, { authorization: `Bearer ${token.token}` });
    expect(forbidden.status).toBe(403);
    expect(JSON.parse(forbidden.body)).toMatchObject({ error: { code: 'not_operator' } });
    // The admin token is nobody's API token: it opens nothing else.
    expect((await w.browser().json('GET', '/api/v1/me', undefined, bearer)).status).toBe(401);
  });

  it('speaks French to a French operator', async () => {
    const res = await w.browser('fr').get('/admin', bearer);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="fr">');
    expect(res.body).toContain('<h1>Exploitation</h1>');
    expect(res.body).toContain('<td>réglée</td>');
    expect(res.body).toContain('>Essai à blanc</button>');
    const forbidden = await (await w.signedIn('slack', 'T1:UANA', 'fr')).browser.get('/admin');
    expect(forbidden.body).toContain('Cette page est réservée aux exploitants du hub');
  });
});
