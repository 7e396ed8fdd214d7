import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveXGrant } from '../../adapters/twitter/token-store.js';
import { attachIdentity } from '../../src/chat/link-codes.js';
import { createTokenCipher } from '../../src/support/token-cipher.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { discordOAuth } from '../fakes/discord/oauth.js';
import { csrfOf, visibleText } from './settings-support.js';
import type { Browser, Exchange } from './support/browser.js';
import { createWebWorld, PUBLIC_URL, type WebWorld } from './support/web-world.js';

/**
 * Connected accounts on /settings: connecting another platform by signing
 * in with it, and the refusals of disconnecting (the last account, anyone
 * else's, no CSRF token), on the page and on the API. What disconnecting
 * does to money is settings-disconnect.test.ts.
 */
describe('settings: connected accounts', () => {
  let w: WebWorld;
  let discord: FakeDiscord;
  let seq = 0;
  const nextSlack = () => `T1:U${++seq}ACC`;
  const nextDiscord = () => `8035111022467${String(++seq).padStart(4, '0')}`;

  beforeAll(async () => {
    discord = await FakeDiscord.start();
    const oauth = discordOAuth(discord.state);
    w = await createWebWorld({ env: {
      DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: oauth.clientId, DISCORD_CLIENT_SECRET: oauth.clientSecret, DISCORD_API_URL: discord.apiUrl,
    } });
  });
  afterAll(async () => {
    await w?.close();
    await discord?.close();
  });

  /** The browser's OAuth round trip with the fake Discord, signed in there as `discordId`. */
  async function signInWithDiscord(browser: Browser, discordId: string): Promise<Exchange> {
    discordOAuth(discord.state).signedIn = { userId: discordId, username: `u${discordId.slice(-4)}` };
    const start = await browser.get('/auth/discord');
    expect(start.status).toBe(302);
    const authorize = await fetch(String(start.headers.location), { redirect: 'manual' });
    const back = new URL(authorize.headers.get('location')!);
    expect(back.origin).toBe(PUBLIC_URL);
    return browser.get(`${back.pathname}${back.search}`);
  }
  const owner = async (platform: string, externalId: string) => (await w.db.$queryRawUnsafe<{ user_id: number | null }[]>(
    `SELECT user_id FROM identities WHERE platform = $1 AND external_id = $2`, platform, externalId))[0]?.user_id;
  const balance = async (userId: number) => (await w.db.$queryRawUnsafe<{ minor: bigint }[]>(
    `SELECT coalesce(sum(e.amount), 0)::int8 AS minor FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.kind = 'creator' AND a.user_id = $1`, userId))[0]!.minor;
  const disconnect = (browser: Browser, csrf: string, platform: string, externalId: string) =>
    browser.postForm('/settings/accounts/disconnect', { _csrf: csrf, platform, externalId });

  it('connecting Discord while signed in adds it to the accounts, claiming its escrow; one owned by another user with money is refused', async () => {
    const slackId = nextSlack();
    const discordId = nextDiscord();
    await w.escrow('discord', discordId, 630n);
    const { userId, browser } = await w.signedIn('slack', slackId);
    const before = await browser.get('/settings');
    expect(before.body).toContain('<a class="button" href="/auth/discord">Connect a Discord account</a>');
    expect(visibleText(before)).toContain('This is your only account');
    expect(before.body).not.toContain('action="/settings/accounts/disconnect"');

    expect((await signInWithDiscord(browser, discordId)).status).toBe(303);
    expect(await owner('discord', discordId)).toBe(userId);
    expect(await balance(userId)).toBe(630n);
    const after = await browser.get('/settings');
    expect(visibleText(after)).toContain(`Discord ${discordId}`);
    expect(after.body).toContain(`<button type="submit" class="secondary">Disconnect Discord ${discordId}</button>`);

    // Another person's Discord account, with money of its own, cannot move here.
    const theirs = nextDiscord();
    await w.supporter('discord', theirs, 500n);
    const refused = await signInWithDiscord(browser, theirs);
    expect(refused.status).toBe(409);
    expect(await owner('discord', theirs)).not.toBe(userId);
  });

  it('the last account is refused (409), another user\'s or an unknown one is a 404, and without the CSRF token 403: nothing changes', async () => {
    const slackId = nextSlack();
    const { userId, browser } = await w.signedIn('slack', slackId);
    const csrf = csrfOf(await browser.get('/settings'));
    const last = await disconnect(browser, csrf, 'slack', slackId);
    expect(last.status).toBe(409);
    expect(visibleText(last)).toContain('That is your only account, and you sign in with it: connect another one first.');
    expect(await owner('slack', slackId)).toBe(userId);

    const other = nextSlack();
    const { userId: otherId } = await w.signedIn('slack', other);
    const theirs = await disconnect(browser, csrf, 'slack', other);
    expect(theirs.status).toBe(404);
    expect(visibleText(theirs)).toContain('You have no such account.');
    expect(await owner('slack', other)).toBe(otherId);
    expect((await disconnect(browser, csrf, 'slack', 'T1:NOBODY')).status).toBe(404);
    expect((await browser.postForm('/settings/accounts/disconnect', { platform: 'slack', externalId: slackId })).status).toBe(403);
  });

  it('DELETE /api/v1/identities/:platform/:externalId: the same rules, in the API\'s error shape', async () => {
    const slackId = nextSlack();
    const { userId, browser } = await w.signedIn('slack', slackId);
    const discordId = nextDiscord();
    await signInWithDiscord(browser, discordId);
    const csrf = { 'x-csrf-token': csrfOf(await browser.get('/settings')) };
    const api = (id: string, headers = csrf) => browser.json('DELETE', `/api/v1/identities/${id}`, undefined, headers);

    expect((await api(`discord/${discordId}`, {} as typeof csrf)).status).toBe(403);
    const other = nextSlack();
    await w.signedIn('slack', other);
    const theirs = await api(`slack/${other}`);
    expect(theirs.status).toBe(404);
    expect(JSON.parse(theirs.body).error.code).toBe('not_found');
    expect((await api(`myspace/${discordId}`)).status).toBe(404);

    expect((await api(`discord/${discordId}`)).status).toBe(204);
    expect(await owner('discord', discordId)).toBeNull();
    const last = await api(`slack/${slackId}`);
    expect(last.status).toBe(409);
    expect(JSON.parse(last.body)).toEqual({ error: { code: 'last_identity', message: expect.stringContaining('only account') } });
    expect(await owner('slack', slackId)).toBe(userId);
  });

  it('disconnecting an X account erases the grant kept for it, so polling and its subscription stop', async () => {
    const { userId, browser } = await w.signedIn('slack', nextSlack());
    const xId = `22449949${String(++seq).padStart(4, '0')}`;
    await w.db.$transaction((tx) => attachIdentity(tx, 'twitter', xId, userId));
    const [identity] = await w.db.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM identities WHERE platform = 'twitter' AND external_id = $1`, xId);
    await saveXGrant(w.db, createTokenCipher(randomBytes(32).toString('hex')), identity!.id, { accessToken: 'access', refreshToken: 'refresh', expiresIn: 7200, scopes: ['like.read'] }, w.clock.now);
    const csrf = { 'x-csrf-token': csrfOf(await browser.get('/settings')) };
    expect((await browser.json('DELETE', `/api/v1/identities/twitter/${xId}`, undefined, csrf)).status).toBe(204);
    expect(await owner('twitter', xId)).toBeNull();
    const [grant] = await w.db.$queryRawUnsafe<{ access_token: Buffer | null; refresh_token: Buffer | null; disconnect_reason: string | null }[]>(
      `SELECT access_token, refresh_token, disconnect_reason FROM x_tokens WHERE identity_id = $1`, identity!.id);
    expect(grant).toEqual({ access_token: null, refresh_token: null, disconnect_reason: 'disconnected_by_user' });
  });
});
