import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { startHub, type Hub } from '../../src/main.js';
import { enqueueNoticeDerivation, loadOpenNotices } from '../../src/notices/enqueue-notices.js';
import { QUEUES } from '../../src/queues.js';
import { enqueueSettlement } from '../../src/settlement/enqueue-settlement.js';
import { waitForSettlement } from '../../src/settlement/wait-for-settlement.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { FakeDiscord, waitFor } from '../fakes/discord/fake-discord.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { postCommand, postEvent } from '../fakes/slack/slack-requests.js';
import { runCli } from '../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

const TEAM = 'T0NOTICE';
const ADMIN = 'U0ADMIN';
const [ANN, BEN, CAROL] = ['U0ANN', 'U0BEN', 'U0CAROL'];
const [D_ANN, D_BEN, D_CAROL, D_ADMIN] = ['80351110224678901', '80351110224678902', '53908232506183603', '80351110224678999'];
const MANAGE_GUILD = String(1 << 5);

/**
 * The whole path in one hub (HTTP, adapters, ingest, settle and notify
 * workers, PostgreSQL, Redis) with the real clients on the fake Slack and
 * Discord: admins choose the channel, supporters react, the month is
 * settled, and the digests and statements arrive once, even through a 429,
 * a restart and `flattr notify`.
 */
describe('notices end to end', () => {
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let database: TestDatabase;
  let hub: Hub;
  let env: Record<string, string>;
  let dataDir: string;
  let clock = new Date('2026-11-10T12:00:00Z');
  const secret = randomBytes(16).toString('hex');
  const start = async () => { hub = await startHub(loadConfig(env) satisfies Config, { role: 'all', now: () => clock }); };
  const signed = () => ({ now: clock, secret });
  const slackCommand = async (user: string, text: string, channel = 'C0GENERAL') => {
    const res = await postCommand(hub.url!, {
      token: 'x', team_id: TEAM, team_domain: 'acme', channel_id: channel, channel_name: 'general', user_id: user, user_name: user.toLowerCase(),
      command: '/flattr', text, api_app_id: 'A0FLATTR', response_url: 'https://hooks.slack.com/commands/1/2', trigger_id: '1.2.3',
    }, signed());
    return ((await res.json()) as { text: string }).text;
  };
  let seq = 0;
  const slackReaction = (user: string, author: string) => {
    seq++;
    const ts = `${Math.floor(clock.getTime() / 1000)}.${String(seq).padStart(6, '0')}`;
    return postEvent(hub.url!, {
      token: 'x', team_id: TEAM, api_app_id: 'A0FLATTR', type: 'event_callback', event_id: `Ev0NOTICE${seq}`, event_time: Math.floor(clock.getTime() / 1000),
      event: { type: 'reaction_added', user, reaction: 'star', item_user: author, item: { type: 'message', channel: 'C0GENERAL', ts }, event_ts: ts },
    }, signed());
  };
  const flattrCount = async () => (await database.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM flattrs WHERE status = 'active'`))[0]!.n;
  const sent = () => ({ slack: slack.callsTo('chat.postMessage').length, discord: discord.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).length });

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const ws = slack.addWorkspace(TEAM);
    slack.setUser(TEAM, { id: ADMIN, is_admin: true });
    discord = await FakeDiscord.start({ heartbeatInterval: 250, guilds: [{ id: '41771983423143937', channelId: '1166438023365812244', ownerId: D_ADMIN }] });
    database = await createPostgresDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-notices-e2e-'));
    env = {
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(),
      LOG_LEVEL: 'silent', INGEST_BATCH_SIZE: '10', SETTLEMENT_GRACE_MINUTES: '0', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SLACK_SIGNING_SECRET: secret, SLACK_BOT_TOKEN: ws.botToken, SLACK_API_URL: slack.url,
      DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl,
    };
    await start();
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    await slack?.close();
    await discord?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the admins choose the notice channels, and supporters join and react', async () => {
    expect(await slackCommand(ADMIN, 'channel', 'C0NOTICE')).toBe('Payout notices for this community will be posted in <#C0NOTICE>.');
    expect((await discord.command(D_ADMIN, 'channel', [], { permissions: MANAGE_GUILD })).content).toContain(`<#${discord.guild.channelId}>`);
    for (const user of [ANN, BEN]) {
      await slackCommand(user, 'budget 10');
      await slackCommand(user, 'on');
      await creditWallet(database.prisma, { platform: 'slack', externalId: `${TEAM}:${user}`, amount: '10.00' });
    }
    for (const user of [D_ANN, D_BEN]) {
      await discord.command(user, 'budget', [{ name: 'amount', type: 3, value: '5' }]);
      await discord.command(user, 'on');
      await creditWallet(database.prisma, { platform: 'discord', externalId: user, amount: '5.00' });
    }
    for (const user of [ANN, BEN]) expect((await slackReaction(user, CAROL)).status).toBe(200);
    discord.react('add', { messageId: '1300000000000000001', userId: D_ANN, emoji: '⭐', authorId: D_CAROL });
    discord.react('add', { messageId: '1300000000000000002', userId: D_BEN, emoji: '⭐', authorId: D_CAROL });
    const deadline = Date.now() + 15_000;
    while ((await flattrCount()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await flattrCount()).toBe(4);
  });

  it('settles the month, and the digests arrive in the chosen channels, once, through a 429', async () => {
    clock = new Date('2026-12-02T00:00:00Z');
    // Set before settling: the finished run queues its notices at once.
    slack.rateLimitNext('chat.postMessage', 1, 'C0NOTICE');
    discord.state.closedDms = new Set([D_BEN]);
    const settle = await hub.runtime.queue(QUEUES.settle);
    const { job } = await enqueueSettlement(settle, '2026-11');
    await waitForSettlement(settle, '2026-11', job.id!, { intervalMs: 50 });
    // Asked for again (as the catch-up would): derivation is once-only, so this sends nothing more.
    await enqueueNoticeDerivation(await hub.runtime.queue(QUEUES.notify), '2026-11');
    await waitFor(() => slack.posted('C0NOTICE').length > 0 && (discord.state.posted.get(discord.guild.channelId)?.length ?? 0) > 0, 'both digests', 20_000);
    const deadline = Date.now() + 20_000;
    while ((await loadOpenNotices(database.prisma)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const slackDigest = slack.posted('C0NOTICE');
    expect(slackDigest).toHaveLength(1);
    expect(String(slackDigest[0]!.text)).toContain(`• <@${CAROL}>: €18.00 from 2 supporters, not collected yet: \`/flattr join\` before`);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0NOTICE').map((c) => c.answered)).toEqual(['ratelimited', 'ok']);
    const discordDigest = discord.state.posted.get(discord.guild.channelId) as { content: string; allowed_mentions: unknown }[];
    expect(discordDigest).toHaveLength(1);
    expect(discordDigest[0]!.content).toContain(`• <@${D_CAROL}>: €9.00 from 2 supporters`);
    expect(discordDigest[0]!.allowed_mentions).toEqual({ parse: [], users: [D_CAROL] });
  }, 60_000);

  it('sends the statement DMs with what was charged, and records a closed DM as failed with its reason', async () => {
    expect(slack.posted(`D${ANN}`).map((p) => p.text)).toEqual([expect.stringContaining('Charged €10.00 for 1 flattr, of which €1.00 is the hub\'s fee.')]);
    expect(discord.state.posted.get(discord.state.dms.get(D_ANN)!)).toEqual([expect.objectContaining({ content: expect.stringContaining('Charged €5.00 for 1 flattr') })]);
    const failed = await database.prisma.$queryRawUnsafe<{ platform: string; reason: string; attempts: number }[]>(
      `SELECT platform, reason, attempts FROM notifications WHERE status = 'failed'`);
    expect(failed).toEqual([{ platform: 'discord', reason: 'discord_50007', attempts: 1 }]);
  });

  it('sends nothing twice after a restart, and flattr notify finds nothing to send', async () => {
    const before = sent();
    await hub.close();
    await start();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sent()).toEqual(before);
    const cli = await runCli(['notify', '--period', '2026-11'], env);
    expect(cli).toMatchObject({ code: 0, stdout: expect.stringContaining('2026-11: nothing to send') });
    const listed = await runCli(['notices', '--period', '2026-11', '--json'], env);
    const { notices } = JSON.parse(listed.stdout) as { notices: { kind: string; status: string; reason: string | null }[] };
    expect(notices.map((n) => [n.kind, n.status, n.reason])).toEqual([
      ['digest', 'sent', null], ['digest', 'sent', null],
      ['statement', 'sent', null], ['statement', 'sent', null], ['statement', 'sent', null], ['statement', 'failed', 'discord_50007'],
    ]);
    expect(sent()).toEqual(before);
  }, 60_000);
});
