import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { discordOAuth } from '../fakes/discord/oauth.js';
import { obliterate, settings, settlePeriod } from '../settlement/support/settle-world.js';
import { startIngest } from '../support/ingest-harness.js';
import { randomQueuePrefix } from '../support/queue.js';
import { likeEvent } from '../support/world.js';
import { csrfOf, ingestLikes, visibleText } from './settings-support.js';
import type { Browser, Exchange } from './support/browser.js';
import { createWebWorld, PUBLIC_URL, type WebWorld } from './support/web-world.js';

/**
 * Disconnecting an account and the money (its own world: every cent here
 * comes from real settlements, so the whole ledger can be verified): what
 * the account earned while connected stays the user's, a run still crediting
 * it to the user holds the disconnect back, and what it earns afterwards
 * waits in its escrow for whoever proves they own it.
 */
describe('settings: disconnecting an account keeps every cent accounted', () => {
  let w: WebWorld;
  let discord: FakeDiscord;
  let ingest: Awaited<ReturnType<typeof startIngest>>;

  beforeAll(async () => {
    discord = await FakeDiscord.start();
    const oauth = discordOAuth(discord.state);
    w = await createWebWorld({ env: {
      DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: oauth.clientId, DISCORD_CLIENT_SECRET: oauth.clientSecret, DISCORD_API_URL: discord.apiUrl,
    } });
    ingest = await startIngest(w.db, { now: () => w.clock.now });
  });
  afterAll(async () => {
    await ingest?.close();
    await w?.close();
    await discord?.close();
  });

  async function signInWithDiscord(browser: Browser, discordId: string): Promise<Exchange> {
    discordOAuth(discord.state).signedIn = { userId: discordId, username: 'maker' };
    const start = await browser.get('/auth/discord');
    const authorize = await fetch(String(start.headers.location), { redirect: 'manual' });
    const back = new URL(authorize.headers.get('location')!);
    expect(back.origin).toBe(PUBLIC_URL);
    return browser.get(`${back.pathname}${back.search}`);
  }
  const owner = async (externalId: string) => (await w.db.$queryRawUnsafe<{ user_id: number | null }[]>(
    `SELECT user_id FROM identities WHERE platform = 'discord' AND external_id = $1`, externalId))[0]?.user_id;
  const balance = async (userId: number) => (await w.db.$queryRawUnsafe<{ minor: bigint }[]>(
    `SELECT coalesce(sum(e.amount), 0)::int8 AS minor FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.kind = 'creator' AND a.user_id = $1`, userId))[0]!.minor;

  it('refused while a run still credits it to the user; then done: the balance stays, later earnings go to escrow and to whoever signs in with it', async () => {
    const { userId, browser } = await w.signedIn('slack', 'T1:U1MAKER');
    const mine = '80351110224670001';
    expect((await signInWithDiscord(browser, mine)).status).toBe(303);
    expect(await owner(mine)).toBe(userId);
    const csrf = csrfOf(await browser.get('/settings'));
    const disconnect = () => browser.postForm('/settings/accounts/disconnect', { _csrf: csrf, platform: 'discord', externalId: mine });

    // A supporter on Discord (10.00 in the wallet) flattrs the connected account's message in October.
    const fan = '80351110224670002';
    await w.supporter('discord', fan, 1000n);
    const like = (item: string, occurredAt: string) =>
      likeEvent({ platform: 'discord', liker: fan, author: mine, item: `41771983423143937:C1:${item}`, community: '41771983423143937', reaction: '⭐', occurredAt });
    expect((await ingestLikes(ingest, [like('1', '2026-10-15T12:00:00Z')])).accepted).toBe(1);

    // The October run opens, deciding to credit the account to the user, and fails for good.
    const prefix = randomQueuePrefix();
    try {
      const failing = settlePeriod(w.db, '2026-10', settings(), { prefix, onStage: (stage) => { if (stage === 'opened') throw new UnrecoverableError('crash after opening'); } });
      await expect(failing).rejects.toThrow('crash after opening');
      const busy = await disconnect();
      expect(busy.status).toBe(409);
      expect(visibleText(busy)).toContain('Nothing was changed: The 2026-10 settlement is still crediting this account to you. Try again once it is settled.');
      expect(await owner(mine)).toBe(userId);
      // Resumed, the run credits the user as it opened with: 10.00 less the 10 % fee.
      await settlePeriod(w.db, '2026-10', settings(), { prefix });
    } finally {
      await obliterate(prefix);
    }
    expect(await balance(userId)).toBe(900n);

    const done = await disconnect();
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/settings?done=disconnected#accounts');
    expect(await owner(mine)).toBeNull();
    expect(await balance(userId)).toBe(900n);
    const page = await browser.get('/settings?done=disconnected');
    expect(visibleText(page)).toContain('The account is disconnected. What it earned while connected stays in your balance');
    expect(page.body).not.toContain(`value="${mine}"`);
    expect(await verifyLedger(w.db)).toMatchObject({ ok: true });

    // November's flattr of it goes to its escrow; whoever signs in with it next collects that, not the old user.
    await creditWallet(w.db, { platform: 'discord', externalId: fan, amount: '20.00' });
    expect((await ingestLikes(ingest, [like('2', new Date(w.clock.now.getTime() - 60_000).toISOString())])).accepted).toBe(1);
    await settlePeriod(w.db, '2026-11', settings(), { now: new Date('2026-12-02T00:00:00Z') });
    const [escrow] = await w.db.$queryRawUnsafe<{ minor: bigint }[]>(
      `SELECT sum(e.amount)::int8 AS minor FROM accounts a JOIN identities i ON i.id = a.identity_id JOIN entries e ON e.account_id = a.id
        WHERE a.kind = 'escrow' AND i.external_id = $1`, mine);
    expect(escrow!.minor).toBe(1800n);
    expect(await balance(userId)).toBe(900n);
    expect((await signInWithDiscord(w.browser(), mine)).status).toBe(303);
    const newOwner = (await owner(mine))!;
    expect(newOwner).not.toBe(userId);
    expect(await balance(newOwner)).toBe(1800n);
    expect(await balance(userId)).toBe(900n);
    expect(await verifyLedger(w.db)).toMatchObject({ ok: true });
  }, 60_000);
});
