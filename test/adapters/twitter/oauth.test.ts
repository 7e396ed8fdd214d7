import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXAccessTokens } from '../../../adapters/twitter/access-token.js';
import { createTokenCipher } from '../../../src/support/token-cipher.js';
import { startFakeX, type FakeX } from '../../fakes/twitter/server.js';
import type { Browser, Exchange } from '../../web/support/browser.js';
import { createWebWorld, PUBLIC_URL, type WebWorld } from '../../web/support/web-world.js';

type Me = { user: { id: number }; identities: { platform: string; externalId: string }[]; creator: { balances: unknown[]; escrow: unknown[] } };

/**
 * Sign in with X and connecting X, through the hub's routes with the real
 * twitter-api-v2 client against the fake X: OAuth 2.0 with PKCE; the tokens
 * are kept (encrypted) only once the identity is linked; a wrong state or a
 * replayed code is a page and links nothing.
 */
describe('connect and sign in with X (OAuth 2.0 with PKCE)', () => {
  let w: WebWorld;
  let x: FakeX;
  const key = randomBytes(32).toString('base64');
  let seq = 0;
  const nextXId = () => `17000000000000${String(++seq).padStart(5, '0')}`;

  beforeAll(async () => {
    x = await startFakeX();
    w = await createWebWorld({ env: {
      TWITTER_CLIENT_ID: x.app.clientId, TWITTER_CLIENT_SECRET: x.app.clientSecret, TWITTER_CONSUMER_SECRET: x.app.consumerSecret,
      TWITTER_BEARER_TOKEN: x.app.bearerToken, TWITTER_API_URL: x.url, TOKEN_ENCRYPTION_KEY: key,
    } });
  });
  afterAll(async () => {
    await w?.close();
    await x?.close();
  });

  /** The browser's round trip: the hub's redirect, X's authorize page, and back to the callback. */
  async function signInWithX(browser: Browser, start = '/auth/twitter'): Promise<Exchange & { callback: string; authorize: URL }> {
    const begun = await browser.get(start);
    expect(begun.status).toBe(302);
    const authorize = new URL(String(begun.headers.location));
    const answer = await fetch(authorize, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    const back = new URL(answer.headers.get('location')!);
    expect(back.origin).toBe(PUBLIC_URL);
    const callback = `${back.pathname}${back.search}`;
    return { ...(await browser.get(callback)), callback, authorize };
  }
  const me = async (browser: Browser) => JSON.parse((await browser.json('GET', '/api/v1/me')).body) as Me;
  const identity = async (externalId: string) => (await w.db.$queryRawUnsafe<{ id: number; user_id: number | null }[]>(
    `SELECT id, user_id FROM identities WHERE platform = 'twitter' AND external_id = $1`, externalId))[0];
  const tokenRows = async (externalId: string) => w.db.$queryRawUnsafe<{ scopes: string[]; disconnected_at: Date | null }[]>(
    `SELECT t.scopes, t.disconnected_at FROM x_tokens t JOIN identities i ON i.id = t.identity_id WHERE i.external_id = $1`, externalId);

  it('an unclaimed X creator signs in: PKCE checked, the identity claimed with its escrow, tokens kept encrypted and usable', async () => {
    const id = nextXId();
    await w.escrow('twitter', id, 630n);
    x.signIn(id);
    const browser = w.browser();
    // X creators are never messaged: the public claim page a supporter shares is how they learn of it, and where they sign in.
    const claim = await browser.get(`/claim/twitter/${id}`);
    expect(claim.body).toContain('<a class="button" href="/auth/twitter">Sign in with X</a>');
    expect((await browser.get('/')).body).toContain('href="/auth/twitter"');
    const res = await signInWithX(browser);
    expect(res.status).toBe(303);
    expect(Object.fromEntries(res.authorize.searchParams)).toMatchObject({
      response_type: 'code', client_id: x.app.clientId, redirect_uri: `${PUBLIC_URL}/auth/twitter/callback`,
      scope: 'tweet.read users.read like.read offline.access', code_challenge_method: 'S256',
    });
    // The token request carried the verifier whose S256 challenge the authorize page got (the fake refuses otherwise), and Basic client auth.
    const [exchange] = x.calls('POST', '/2/oauth2/token');
    expect(exchange!.body).toMatchObject({ grant_type: 'authorization_code', redirect_uri: `${PUBLIC_URL}/auth/twitter/callback` });
    expect(String(exchange!.body?.code_verifier)).toMatch(/^[\w-]{43}$/);
    const account = await me(browser);
    expect(account.identities).toEqual([expect.objectContaining({ platform: 'twitter', externalId: id, handle: `user${id}` })]);
    expect(account.creator).toMatchObject({ balances: [{ minor: 630, currency: 'EUR' }], escrow: [] });
    expect((await identity(id))!.user_id).toBe(account.user.id);
    expect(await tokenRows(id)).toEqual([{ scopes: ['tweet.read', 'users.read', 'like.read', 'offline.access'], disconnected_at: null }]);

    const tokens = createXAccessTokens({ db: w.db, cipher: createTokenCipher(key), settings: { apiUrl: x.url, clientId: x.app.clientId, clientSecret: x.app.clientSecret } });
    const token = await tokens.accessTokenFor((await identity(id))!.id);
    expect((await fetch(`${x.url}/2/users/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('signed in elsewhere, connecting X links the X identity to the same user; ?dm=1 also asks for the DM scopes', async () => {
    const { userId, browser } = await w.signedIn('slack', 'T1:U0CONNECT');
    const id = nextXId();
    x.signIn(id);
    const res = await signInWithX(browser, '/auth/twitter?dm=1');
    expect(res.status).toBe(303);
    expect(res.authorize.searchParams.get('scope')).toBe('tweet.read users.read like.read offline.access dm.read dm.write');
    expect((await identity(id))!.user_id).toBe(userId);
    expect((await tokenRows(id))[0]!.scopes).toContain('dm.write');
  });

  it('a wrong state is refused before any code is exchanged: nothing linked, no tokens kept', async () => {
    const id = nextXId();
    x.signIn(id);
    const browser = w.browser();
    const begun = await browser.get('/auth/twitter');
    const answer = await fetch(String(begun.headers.location), { redirect: 'manual' });
    const back = new URL(answer.headers.get('location')!);
    back.searchParams.set('state', 'forged-state');
    const exchanges = x.calls('POST', '/2/oauth2/token').length;
    const res = await browser.get(`${back.pathname}${back.search}`);
    expect(res.status).toBe(403);
    expect(x.calls('POST', '/2/oauth2/token')).toHaveLength(exchanges);
    expect(await identity(id)).toBeUndefined();
    expect(await tokenRows(id)).toEqual([]);
  });

  it('a replayed code is a clear error page: X will not take it twice, and nothing more is linked', async () => {
    const id = nextXId();
    x.signIn(id);
    const first = await signInWithX(w.browser());
    expect(first.status).toBe(303);
    const code = new URL(first.callback, PUBLIC_URL).searchParams.get('code')!;
    const other = nextXId();
    x.signIn(other);
    const second = w.browser();
    const state = new URL(String((await second.get('/auth/twitter')).headers.location)).searchParams.get('state')!;
    const replay = await second.get(`/auth/twitter/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('X did not accept this sign-in');
    expect(second.cookies.size).toBe(0);
    expect(await identity(other)).toBeUndefined();
  });

  it('cancelled at X: a page, nothing linked', async () => {
    x.signIn(undefined);
    const res = await signInWithX(w.browser());
    expect(res.status).toBe(400);
  });
});
