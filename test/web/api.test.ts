import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/support/logger.js';
import { createWebWorld, PUBLIC_URL, type WebWorld } from './support/web-world.js';

type Me = { user: { id: number }; identities: unknown[]; supporter: unknown; creator: unknown; auth: { via: string; csrfToken?: string } };

/** The JSON API: who is asking (session or token), CSRF on every change, tokens of one's own only, and the document of it all. */
describe('JSON API', () => {
  let w: WebWorld;
  let logged = '';
  let seq = 0;
  const nextId = () => `T2:U${++seq}API`;
  beforeAll(async () => {
    const destination = new Writable({ write(chunk, _encoding, done) { logged += String(chunk); done(); } });
    w = await createWebWorld({ logger: createLogger('trace', 'test', { destination }) });
  });
  afterAll(async () => { await w?.close(); });

  const me = async (browser: ReturnType<WebWorld['browser']>, headers: Record<string, string> = {}) => {
    const res = await browser.json('GET', '/api/v1/me', undefined, headers);
    return { status: res.status, body: JSON.parse(res.body) as Me };
  };

  it('GET /api/v1/me answers 401 without a session or token, and with a token that is not one', async () => {
    for (const headers of [{}, { authorization: 'Bearer fh_nope' }, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }] as Record<string, string>[]) {
      const res = await w.browser().json('GET', '/api/v1/me', undefined, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    }
  });

  it("GET /api/v1/me gives the user's accounts and money both sides, and the CSRF token of the session", async () => {
    const id = nextId();
    await w.supporter('slack', id, 2000n);
    const { userId, browser } = await w.signedIn('slack', id);
    const { status, body } = await me(browser);
    expect(status).toBe(200);
    expect(body).toEqual({
      user: { id: userId, locale: 'en', currency: 'EUR' },
      identities: [{ platform: 'slack', externalId: id, handle: null }],
      supporter: {
        currency: 'EUR', budget: { minor: 3500, currency: 'EUR' }, active: true, platforms: ['slack'],
        wallet: { minor: 2000, currency: 'EUR' }, owed: [], pendingFlattrs: 0, pendingPeriods: [],
      },
      creator: { balances: [], lastPeriod: null, escrow: [] },
      auth: { via: 'session', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
    });
  });

  it('creating a token with the session needs the CSRF token: without it (or from another origin) 403 and nothing made', async () => {
    const { browser } = await w.signedIn('slack', nextId());
    const before = await w.count('api_tokens');
    const csrf = (await me(browser)).body.auth.csrfToken!;
    for (const headers of [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': csrf, origin: 'https://evil.example' }] as Record<string, string>[]) {
      const res = await browser.json('POST', '/api/v1/tokens', { name: 'backup script' }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('csrf');
    }
    // Another session's token is no good either: the token is bound to its session.
    const other = await w.signedIn('slack', nextId());
    const foreign = (await me(other.browser)).body.auth.csrfToken!;
    expect((await browser.json('POST', '/api/v1/tokens', { name: 'x' }, { 'x-csrf-token': foreign })).status).toBe(403);
    expect(await w.count('api_tokens')).toBe(before);
  });

  it('a token is shown once, stored hashed, works as Bearer (no CSRF token needed) and is listed without its secret', async () => {
    const { userId, browser } = await w.signedIn('slack', nextId());
    const csrf = (await me(browser)).body.auth.csrfToken!;
    const created = await browser.json('POST', '/api/v1/tokens', { name: '  nightly export ' }, { 'x-csrf-token': csrf, origin: PUBLIC_URL });
    expect(created.status).toBe(201);
    const token = JSON.parse(created.body) as { id: number; name: string; token: string; createdAt: string; lastUsedAt: null };
    expect(token).toEqual({ id: expect.any(Number), name: 'nightly export', token: expect.stringMatching(/^fh_[A-Za-z0-9_-]{43}$/), createdAt: w.clock.now.toISOString(), lastUsedAt: null });
    const rows = await w.db.$queryRawUnsafe<{ token_hash: string }[]>(`SELECT token_hash FROM api_tokens WHERE user_id = $1`, userId);
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token.token).digest('hex') }]);

    const script = w.browser();
    const viaToken = await me(script, { authorization: `Bearer ${token.token}` });
    expect(viaToken).toMatchObject({ status: 200, body: { user: { id: userId }, auth: { via: 'token' } } });
    expect(viaToken.body.auth.csrfToken).toBeUndefined();
    const second = await script.json('POST', '/api/v1/tokens', { name: 'made by a script' }, { authorization: `Bearer ${token.token}` });
    expect(second.status).toBe(201);
    const list = await script.json('GET', '/api/v1/tokens', undefined, { authorization: `Bearer ${token.token}` });
    expect(JSON.parse(list.body)).toEqual({ tokens: [
      { id: token.id, name: 'nightly export', createdAt: expect.any(String), lastUsedAt: w.clock.now.toISOString() },
      { id: expect.any(Number), name: 'made by a script', createdAt: expect.any(String), lastUsedAt: null },
    ] });
    expect(list.body).not.toContain('fh_');
    // Never logged, not even at trace level (which logs every request).
    expect(logged).toContain('"url":"/api/v1/tokens"');
    expect(logged).not.toContain(token.token);
    expect(logged).not.toContain(token.token.slice(3));
  });

  it("revoking: someone else's token is a 404 and stays; one's own is gone and its scripts get 401", async () => {
    const alice = await w.signedIn('slack', nextId());
    const bob = await w.signedIn('slack', nextId());
    const csrf = async (b: typeof alice) => ({ 'x-csrf-token': (await me(b.browser)).body.auth.csrfToken! });
    const bobs = JSON.parse((await bob.browser.json('POST', '/api/v1/tokens', { name: 'bob' }, await csrf(bob))).body) as { id: number; token: string };
    const aliceHeaders = await csrf(alice);
    const foreign = await alice.browser.json('DELETE', `/api/v1/tokens/${bobs.id}`, undefined, aliceHeaders);
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.body)).toEqual({ error: { code: 'not_found', message: 'no API token of yours has this id' } });
    for (const bad of ['abc', '-1', '0', '99999999999']) expect((await alice.browser.json('DELETE', `/api/v1/tokens/${bad}`, undefined, aliceHeaders)).status, bad).toBe(404);
    expect((await me(w.browser(), { authorization: `Bearer ${bobs.token}` })).status).toBe(200);
    // Without the CSRF token even the owner cannot revoke it.
    expect((await bob.browser.json('DELETE', `/api/v1/tokens/${bobs.id}`)).status).toBe(403);
    expect((await me(w.browser(), { authorization: `Bearer ${bobs.token}` })).status).toBe(200);
    const revoked = await bob.browser.json('DELETE', `/api/v1/tokens/${bobs.id}`, undefined, await csrf(bob));
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBe('');
    expect((await me(w.browser(), { authorization: `Bearer ${bobs.token}` })).status).toBe(401);
  });

  it('bad input is 422 (or 400 for a body that is not JSON) with a message, and nothing is made', async () => {
    const { browser } = await w.signedIn('slack', nextId());
    const headers = { 'x-csrf-token': (await me(browser)).body.auth.csrfToken! };
    const before = await w.count('api_tokens');
    for (const body of [{}, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 7 }]) {
      const res = await browser.json('POST', '/api/v1/tokens', body, headers);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(JSON.parse(res.body).error).toEqual({ code: 'invalid_input', message: expect.stringContaining('name') });
    }
    const broken = await browser.request('POST', '/api/v1/tokens', '{"name":', { ...headers, 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error.code).toBe('invalid_input');
    expect(await w.count('api_tokens')).toBe(before);
    // Signed out, a change is 401 (not 403): there is nobody to protect, and nobody to act for.
    expect((await w.browser().json('POST', '/api/v1/tokens', { name: 'x' })).status).toBe(401);
  });

  it('the OpenAPI document describes exactly the routes, each answering one of its documented statuses', async () => {
    const res = await w.browser().json('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.body) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort())
      .toEqual([
        'DELETE /api/v1/flattrs/{id}', 'DELETE /api/v1/identities/{platform}/{externalId}', 'DELETE /api/v1/tokens/{id}',
        'GET /api/v1/admin/ledger-check', 'GET /api/v1/admin/periods', 'GET /api/v1/admin/periods/{period}', 'GET /api/v1/earnings',
        'GET /api/v1/history', 'GET /api/v1/history/{period}', 'GET /api/v1/me', 'GET /api/v1/month', 'GET /api/v1/payouts', 'GET /api/v1/settings', 'GET /api/v1/tokens', 'GET /api/v1/topups', 'GET /api/v1/wallet',
        'POST /api/v1/admin/periods/{period}/dry-run', 'POST /api/v1/tokens', 'POST /api/v1/topups', 'PUT /api/v1/budget', 'PUT /api/v1/settings',
      ]);
    const meSchema = (doc.paths['/api/v1/me']!.get!.responses['200'] as { content: { 'application/json': { schema: { required: string[] } } } }).content['application/json'].schema;
    expect(meSchema.required).toEqual(['user', 'identities', 'supporter', 'creator', 'auth']);
    const { browser } = await w.signedIn('slack', nextId());
    const headers = { 'x-csrf-token': (await me(browser)).body.auth.csrfToken! };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const answer = await browser.json(method.toUpperCase(), path.replace('{id}', '1'), op.requestBody ? { name: 'doc' } : undefined, headers);
        expect(Object.keys(op.responses), `${method} ${path} answered ${answer.status}`).toContain(String(answer.status));
      }
    }
  });

  it('an unknown API path is a 404 in the API error shape', async () => {
    const res = await w.browser().json('GET', '/api/v1/nope?x=1');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'not_found', message: 'no route GET /api/v1/nope: see /api/v1/openapi.json' } });
  });

  it('pages and answers carry security headers and are never cached', async () => {
    const res = await w.browser().get('/');
    expect(res.headers['content-security-policy']).toBe("default-src 'none';style-src 'self';img-src 'self' data:;form-action 'self';base-uri 'none';frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const css = await w.browser().get('/assets/web.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain(':focus-visible');
  });
});
