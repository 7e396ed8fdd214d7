import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { discordOAuth } from '../fakes/discord/oauth.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import type { Browser, Exchange } from './support/browser.js';
import { createWebWorld, PUBLIC_URL, type WebWorld } from './support/web-world.js';

type Me = { user: { id: number }; identities: { platform: string; externalId: string }[]; creator: { balances: unknown[]; escrow: unknown[] }; auth: { csrfToken?: string } };

/**
 * Sign in with Slack (OpenID Connect) and Discord (OAuth 2.0) against the fake
 * platforms: signing in proves ownership, so it claims an unclaimed identity
 * and moves its escrow, or links it to the signed-in user; a wrong state, a
 * replayed code, a cancel or a platform outage is a page that changes nothing.
 */
describe('sign in with a platform', () => {
  let w: WebWorld;
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let seq = 0;
  const nextDiscordId = () => `8035111022467${String(++seq).padStart(4, '0')}`;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    discord = await FakeDiscord.start();
    const oauth = discordOAuth(discord.state);
    w = await createWebWorld({ env: {
      SLACK_SIGNING_SECRET: 'signing-secret', SLACK_CLIENT_ID: slack.oidc.app.clientId, SLACK_CLIENT_SECRET: slack.oidc.app.clientSecret, SLACK_API_URL: slack.url,
      DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: oauth.clientId, DISCORD_CLIENT_SECRET: oauth.clientSecret, DISCORD_API_URL: discord.apiUrl,
    } });
  });
  afterAll(async () => {
    await w?.close();
    await slack?.close();
    await discord?.close();
  });

  /** The browser's round trip: the hub's redirect, the platform's authorize page, and back to the callback. */
  async function signInWith(browser: Browser, platform: 'slack' | 'discord'): Promise<Exchange & { callback: string }> {
    const start = await browser.get(`/auth/${platform}`);
    expect(start.status).toBe(302);
    const authorize = await fetch(String(start.headers.location), { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    const back = new URL(authorize.headers.get('location')!);
    expect(back.origin).toBe(PUBLIC_URL);
    const callback = `${back.pathname}${back.search}`;
    return { ...(await browser.get(callback)), callback };
  }
  const me = async (browser: Browser) => JSON.parse((await browser.json('GET', '/api/v1/me')).body) as Me;
  const tokenExchanges = () => discord.requests.filter((r) => r.path === '/oauth2/token').length;
  const owner = async (platform: string, externalId: string) => (await w.db.$queryRawUnsafe<{ user_id: number | null }[]>(
    `SELECT user_id FROM identities WHERE platform = $1 AND external_id = $2`, platform, externalId))[0]?.user_id;

  it('Discord: an unclaimed creator signs in, is claimed at that moment and finds the escrow in their balance', async () => {
    const id = nextDiscordId();
    await w.escrow('discord', id, 630n);
    expect((await w.browser().get(`/claim/discord/${id}`)).status).toBe(200);
    discordOAuth(discord.state).signedIn = { userId: id, username: 'maker' };
    const browser = w.browser();
    const res = await signInWith(browser, 'discord');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const start = discord.requests.find((r) => r.path === '/oauth2/authorize')!;
    expect(Object.fromEntries(start.query)).toMatchObject({ response_type: 'code', scope: 'identify', client_id: '775799577604522054', redirect_uri: `${PUBLIC_URL}/auth/discord/callback` });
    const account = await me(browser);
    expect(account.identities).toEqual([{ platform: 'discord', externalId: id, handle: null }]);
    expect(account.creator).toMatchObject({ balances: [{ minor: 630, currency: 'EUR' }], escrow: [] });
    expect(await owner('discord', id)).toBe(account.user.id);
    const claim = await w.browser().get(`/claim/discord/${id}`);
    expect(claim.status).toBe(404);
    expect(claim.body).toContain('already claimed');
  });

  it('Slack: OpenID Connect names the workspace and user, and the identity is TEAM:USER', async () => {
    slack.oidc.signInAs('T0SIGNIN', 'U0ALICE');
    const browser = w.browser();
    const res = await signInWith(browser, 'slack');
    expect(res.status).toBe(303);
    expect((await me(browser)).identities).toEqual([{ platform: 'slack', externalId: 'T0SIGNIN:U0ALICE', handle: null }]);
    const [exchange] = slack.callsTo('openid.connect.token');
    expect(exchange!.params).toMatchObject({ client_id: slack.oidc.app.clientId, client_secret: slack.oidc.app.clientSecret, grant_type: 'authorization_code', redirect_uri: `${PUBLIC_URL}/auth/slack/callback` });
    expect(slack.callsTo('openid.connect.userInfo')[0]!.token).toMatch(/^xoxp-oidc-/);
    // Signing in again finds the same user.
    const again = w.browser();
    await signInWith(again, 'slack');
    expect((await me(again)).user.id).toBe((await me(browser)).user.id);
  });

  it('signed in, signing in with another platform links that account (and its escrow) to the same user', async () => {
    slack.oidc.signInAs('T0SIGNIN', 'U0BOB');
    const browser = w.browser();
    await signInWith(browser, 'slack');
    const cookie = browser.cookies.get('flattr_session');
    const id = nextDiscordId();
    await w.escrow('discord', id, 200n);
    discordOAuth(discord.state).signedIn = { userId: id, username: 'bob' };
    expect((await signInWith(browser, 'discord')).status).toBe(303);
    expect(browser.cookies.get('flattr_session')).toEqual(cookie);
    const account = await me(browser);
    expect(account.identities.map((i) => `${i.platform}:${i.externalId}`)).toEqual([`discord:${id}`, 'slack:T0SIGNIN:U0BOB']);
    expect(account.creator.balances).toEqual([{ minor: 200, currency: 'EUR' }]);
  });

  it('an account owned by another user with money of its own is refused with a page, and stays where it was', async () => {
    const id = nextDiscordId();
    const other = await w.supporter('discord', id, 500n);
    slack.oidc.signInAs('T0SIGNIN', 'U0CAROL');
    const browser = w.browser();
    await signInWith(browser, 'slack');
    discordOAuth(discord.state).signedIn = { userId: id, username: 'someone-else' };
    const res = await signInWith(browser, 'discord');
    expect(res.status).toBe(409);
    expect(res.body).toContain('This Discord account belongs to another flattr account');
    expect(await owner('discord', id)).toBe(other);
    expect((await me(browser)).identities).toEqual([{ platform: 'slack', externalId: 'T0SIGNIN:U0CAROL', handle: null }]);
  });

  it('a wrong or missing state is refused before any code is exchanged: nothing linked, no session', async () => {
    const id = nextDiscordId();
    discordOAuth(discord.state).signedIn = { userId: id, username: 'mallory' };
    const victim = w.browser();
    const start = await victim.get('/auth/discord');
    const authorize = await fetch(String(start.headers.location), { redirect: 'manual' });
    const back = new URL(authorize.headers.get('location')!);
    const exchanges = tokenExchanges();
    const identities = await w.count('identities');
    back.searchParams.set('state', 'forged-state');
    const forged = await victim.get(`${back.pathname}${back.search}`);
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('This sign-in did not start in this browser');
    // The attacker's callback URL in another browser (no state cookie): the same refusal.
    const stranger = await w.browser().get(`${back.pathname}${back.search}`);
    expect(stranger.status).toBe(403);
    expect(tokenExchanges()).toBe(exchanges);
    expect(await w.count('identities')).toBe(identities);
    expect(victim.cookies.has('flattr_session')).toBe(false);
  });

  it('a replayed code is refused: the state is spent with the first use, and the platform will not take the code twice', async () => {
    const id = nextDiscordId();
    discordOAuth(discord.state).signedIn = { userId: id, username: 'replayer' };
    const first = w.browser();
    const { callback } = await signInWith(first, 'discord');
    const code = new URL(callback, PUBLIC_URL).searchParams.get('code')!;
    const sessions = await w.count('web_sessions');
    // The same callback again in the same browser: its state cookie is gone.
    expect((await first.get(callback)).status).toBe(403);
    // The code under a fresh state of a new browser: Discord says invalid_grant.
    const second = w.browser();
    const start = await second.get('/auth/discord');
    const state = new URL(String(start.headers.location)).searchParams.get('state')!;
    const replay = await second.get(`/auth/discord/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('Discord did not accept this sign-in');
    expect(second.cookies.has('flattr_session')).toBe(false);
    expect(await w.count('web_sessions')).toBe(sessions);
    // Slack the same: a code granted once, then replayed.
    slack.oidc.grantSignInCode('used-once', 'T0SIGNIN', 'U0DAVE', `${PUBLIC_URL}/auth/slack/callback`);
    for (const expected of [303, 400]) {
      const browser = w.browser();
      const s = new URL(String((await browser.get('/auth/slack')).headers.location)).searchParams.get('state')!;
      expect((await browser.get(`/auth/slack/callback?code=used-once&state=${s}`)).status).toBe(expected);
    }
  });

  it('a person who cancels at the platform, or a platform that is down, gets a page; an unknown platform a 404', async () => {
    discordOAuth(discord.state).signedIn = undefined;
    const cancelled = await signInWith(w.browser(), 'discord');
    expect(cancelled.status).toBe(400);
    expect(cancelled.body).toContain('Sign-in cancelled');
    slack.oidc.signInAs('T0SIGNIN', 'U0ERIN');
    slack.failNext('openid.connect.token', 503);
    const down = await signInWith(w.browser('fr'), 'slack');
    expect(down.status).toBe(502);
    expect(down.body).toContain('Impossible de joindre Slack');
    for (const path of ['/auth/twitter', '/auth/myspace/callback?code=x&state=y']) {
      const res = await w.browser().get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).toContain('is not set up on this hub');
    }
  });
});

describe('the sign-in rate limit', () => {
  let w: WebWorld;
  beforeAll(async () => { w = await createWebWorld(); });
  afterAll(async () => { await w?.close(); });

  it('allows 10 sign-in attempts a minute per address, across /login and /auth; the 11th is 429', async () => {
    const ip = w.nextIp();
    const attempts = [...Array.from({ length: 5 }, (_, i) => `/login/${String(i).repeat(43)}`), ...Array.from({ length: 5 }, () => '/auth/discord')];
    for (const path of attempts) expect((await w.browser('en', ip).get(path)).status, path).not.toBe(429);
    const limited = await w.browser('en', ip).get(`/login/${'Z'.repeat(43)}`);
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('Too many sign-in attempts');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // A valid link from that address waits too; another address is not held back, nor are other pages.
    const { path } = await w.userWithLink('slack', 'T4:U4LIMITED');
    expect((await w.browser('en', ip).get(path)).status).toBe(429);
    expect((await w.browser('en', w.nextIp()).get(path)).status).toBe(303);
    expect((await w.browser('en', ip).get('/')).status).toBe(200);
  });
});
