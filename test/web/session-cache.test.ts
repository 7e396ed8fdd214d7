import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_CACHE_MS } from '../../src/web/session-cache.js';
import { Browser } from './support/browser.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';

/**
 * Sessions are remembered for a moment, so a page and its API calls do not
 * each ask PostgreSQL who the cookie is: a logout still ends the session at
 * once, and a session ended elsewhere (rows deleted) within SESSION_CACHE_MS.
 */
describe('remembered sessions', () => {
  let w: WebWorld;
  beforeAll(async () => { w = await createWebWorld(); });
  afterAll(async () => { await w?.close(); });

  it('a logout ends the session at once, even for a copy of the cookie', async () => {
    const { browser } = await w.signedIn('slack', 'T1:UCACHE1');
    expect((await browser.json('GET', '/api/v1/me')).status).toBe(200);
    const copy = new Browser(async (r) => (await w.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, payload: r.body }).then((res) => ({ status: res.statusCode, headers: res.headers, body: res.body }))));
    for (const [name, cookie] of browser.cookies) copy.cookies.set(name, { ...cookie });
    const me = JSON.parse((await browser.json('GET', '/api/v1/me')).body) as { auth: { csrfToken: string } };
    expect((await browser.postForm('/logout', { _csrf: me.auth.csrfToken })).status).toBe(303);
    expect((await copy.json('GET', '/api/v1/me')).status).toBe(401);
  });

  it('a session whose rows are deleted stops working once the moment has passed, and is not trusted past its expiry', async () => {
    const { browser } = await w.signedIn('slack', 'T1:UCACHE2');
    expect((await browser.json('GET', '/api/v1/me')).status).toBe(200);
    await w.db.$executeRawUnsafe(`DELETE FROM web_sessions`);
    // Remembered: still the same person for a moment.
    expect((await browser.json('GET', '/api/v1/me')).status).toBe(200);
    w.advance(SESSION_CACHE_MS + 1);
    expect((await browser.json('GET', '/api/v1/me')).status).toBe(401);
  });
});
