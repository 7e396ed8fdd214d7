import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginLink, LOGIN_LINK_MINUTES } from '../../src/web/login-links.js';
import { createWebWorld, PUBLIC_URL, type WebWorld } from './support/web-world.js';

const DAY = 24 * 3600_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** One-time sign-in links and the sessions they open: the happy path and every refusal, each changing nothing. */
describe('sign-in links and sessions', () => {
  let w: WebWorld;
  let seq = 0;
  const nextId = () => `T1:U${++seq}LINK`;
  beforeAll(async () => { w = await createWebWorld(); });
  afterAll(async () => { await w?.close(); });

  it('a link signs its user in once: a session cookie (HttpOnly, SameSite=Lax, 30 days), then the start page says who', async () => {
    const { userId, path } = await w.userWithLink('slack', nextId());
    const token = path.split('/').pop()!;
    const browser = w.browser();
    const res = await browser.get(path);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const setCookie = [res.headers['set-cookie']].flat().join('\n');
    expect(setCookie).toMatch(/^flattr_session=[^;]+; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/m);
    expect(setCookie).not.toContain('Secure');
    const home = await browser.get('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain(`Signed in as Slack T1:U${seq}LINK.`);
    expect(home.body).toContain('<html lang="en">');
    // Stored hashed: neither the link's token nor the session id is in the database.
    const [stored] = await w.db.$queryRawUnsafe<{ token_hash: string; used: boolean }[]>(`SELECT token_hash, used_at IS NOT NULL AS used FROM login_tokens WHERE user_id = $1`, userId);
    expect(stored).toEqual({ token_hash: sha256(token), used: true });
    const sessionId = decodeURIComponent(browser.cookies.get('flattr_session')!.value).replace(/\.[^.]+$/, '');
    const sessions = await w.db.$queryRawUnsafe<{ id_hash: string }[]>(`SELECT id_hash FROM web_sessions WHERE user_id = $1`, userId);
    expect(sessions).toEqual([{ id_hash: sha256(sessionId) }]);
  });

  it('a reused link answers 410 and opens no session', async () => {
    const { userId, path } = await w.userWithLink('slack', nextId());
    expect((await w.browser().get(path)).status).toBe(303);
    const second = w.browser();
    const res = await second.get(path);
    expect(res.status).toBe(410);
    expect(res.body).toContain('This sign-in link was already used');
    expect(second.cookies.size).toBe(0);
    expect(await sessionsOf(userId)).toBe(1);
  });

  it('an expired link answers 410, stays unspent and opens no session', async () => {
    const { userId, path } = await w.userWithLink('slack', nextId());
    w.advance(LOGIN_LINK_MINUTES * 60_000);
    const browser = w.browser('fr-FR,fr;q=0.9');
    const res = await browser.get(path);
    expect(res.status).toBe(410);
    expect(res.body).toContain('<html lang="fr">');
    expect(res.body).toContain('Ce lien de connexion a expiré');
    expect(browser.cookies.size).toBe(0);
    expect(await sessionsOf(userId)).toBe(0);
    expect(await w.db.$queryRawUnsafe(`SELECT used_at FROM login_tokens WHERE user_id = $1`, userId)).toEqual([{ used_at: null }]);
  });

  it('a link that was never made answers 401', async () => {
    for (const path of [`/login/${'A'.repeat(43)}`, '/login/short', '/login/%3Cscript%3E']) {
      const res = await w.browser().get(path);
      expect(res.status, path).toBe(401);
      expect(res.body).toContain('This sign-in link is not valid');
      expect(res.body).not.toContain('<script>');
    }
  });

  it('link previewers and HEAD requests see a page and spend nothing', async () => {
    const { userId, path } = await w.userWithLink('discord', '80351110224678001');
    const preview = await w.browser().get(path, { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' });
    expect(preview.status).toBe(200);
    expect(preview.body).toContain('Open this link in your browser');
    expect((await w.browser().request('HEAD', path, undefined, {})).status).toBe(200);
    expect(await sessionsOf(userId)).toBe(0);
    expect((await w.browser().get(path)).status).toBe(303);
  });

  it('a forged or tampered session cookie is refused and cleared; the API answers 401', async () => {
    const { browser } = await w.signedIn('slack', nextId());
    const real = browser.cookies.get('flattr_session')!.value;
    const [id, signature] = decodeURIComponent(real).split('.');
    for (const forged of [`${id}.${'A'.repeat(signature!.length)}`, `${'B'.repeat(id!.length)}.${signature}`, 'not-signed-at-all']) {
      browser.cookies.set('flattr_session', { value: encodeURIComponent(forged), path: '/' });
      const me = await browser.json('GET', '/api/v1/me');
      expect(me.status, forged).toBe(401);
      expect(JSON.parse(me.body)).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
      expect(browser.cookies.has('flattr_session'), 'cleared').toBe(false);
    }
    browser.cookies.set('flattr_session', { value: real, path: '/' });
    expect((await browser.json('GET', '/api/v1/me')).status).toBe(200);
  });

  it('a session slides 30 days from its last use and ends 90 days after sign-in whatever the use', async () => {
    const { userId, browser } = await w.signedIn('slack', nextId());
    const started = w.clock.now;
    // Each use more than 29 days after the previous one would have found the session over: it slid.
    for (const [day, maxAge] of [[25, 30 * 86400], [50, 30 * 86400], [75, 15 * 86400]] as const) {
      w.clock.now = new Date(started.getTime() + day * DAY);
      const res = await browser.json('GET', '/api/v1/me');
      expect(res.status, `day ${day}`).toBe(200);
      // The refreshed expiry goes back to the browser too, never past the 90th day.
      expect([res.headers['set-cookie']].flat().join(), `day ${day}`).toMatch(new RegExp(`flattr_session=.*Max-Age=${maxAge};`));
    }
    w.clock.now = new Date(started.getTime() + 89 * DAY);
    expect((await browser.json('GET', '/api/v1/me')).status).toBe(200);
    w.clock.now = new Date(started.getTime() + 90 * DAY);
    expect((await browser.json('GET', '/api/v1/me')).status).toBe(401);
    // Idle for 30 days: over.
    const idle = await w.signedIn('slack', nextId());
    w.advance(30 * DAY);
    expect((await idle.browser.json('GET', '/api/v1/me')).status).toBe(401);
    expect(await sessionsOf(userId)).toBe(1);
  });

  it('logout needs the CSRF token: without it 403 and the session lives; with it the session ends for good', async () => {
    const { userId, browser } = await w.signedIn('slack', nextId());
    const cookie = browser.cookies.get('flattr_session')!;
    const home = await browser.get('/');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)![1]!;
    const refused = await browser.postForm('/logout', {});
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('This form expired or did not come from this site');
    expect((await browser.postForm('/logout', { _csrf: `${csrf}x` })).status).toBe(403);
    expect((await browser.postForm('/logout', { _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await sessionsOf(userId)).toBe(1);
    const done = await browser.postForm('/logout', { _csrf: csrf }, { origin: PUBLIC_URL });
    expect(done.status).toBe(303);
    expect(browser.cookies.has('flattr_session')).toBe(false);
    expect(await sessionsOf(userId)).toBe(0);
    // The old cookie, replayed, is worth nothing now.
    browser.cookies.set('flattr_session', cookie);
    expect((await browser.json('GET', '/api/v1/me')).status).toBe(401);
    expect((await browser.get('/')).body).toContain('Sign in');
  });

  it('signing in again replaces the session the browser came with', async () => {
    const { userId, browser } = await w.signedIn('slack', nextId());
    const link = await createLoginLink(w.db, userId, PUBLIC_URL, w.clock.now);
    expect((await browser.get(new URL(link.url).pathname)).status).toBe(303);
    expect(await sessionsOf(userId)).toBe(1);
  });

  async function sessionsOf(userId: number): Promise<number> {
    const [row] = await w.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM web_sessions WHERE user_id = $1`, userId);
    return row!.n;
  }
});

describe('under https', () => {
  let w: WebWorld;
  beforeAll(async () => { w = await createWebWorld({ env: { PUBLIC_URL: 'https://hub.example' } }); });
  afterAll(async () => { await w?.close(); });

  it('the session cookie is Secure with the __Host- prefix, and the headers forbid framing and plain http', async () => {
    const { path } = await w.userWithLink('slack', 'T1:U1HTTPS');
    const res = await w.browser().get(path);
    expect([res.headers['set-cookie']].flat().join()).toMatch(/^__Host-flattr_session=[^;]+; Max-Age=2592000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});
