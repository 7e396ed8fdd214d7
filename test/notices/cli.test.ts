import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setNoticeChannel } from '../../src/chat/set-notice-channel.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { runCli } from '../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { addFlattrs, addSupporter, PERIOD, settle } from './support/notice-world.js';

/** `flattr notify` and `flattr notices` with no hub running: the worker runs in the command, on the fakes. */
describe('flattr notify and flattr notices', () => {
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let database: TestDatabase;
  let env: Record<string, string>;
  let dataDir: string;
  const cli = (...args: string[]) => runCli(args, env);
  const count = async () => (await database.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM notifications`))[0]!.n;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const ws = slack.addWorkspace('T1');
    discord = await FakeDiscord.start();
    database = await createPostgresDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-notify-cli-'));
    env = {
      DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: dataDir,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_TOKEN: randomBytes(16).toString('hex'), SESSION_SECRET: randomBytes(32).toString('hex'),
      SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: ws.botToken, SLACK_API_URL: slack.url,
      DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl,
    };
    const db = database.prisma;
    await addSupporter(db, 'slack', 'T1:UANN');
    await addSupporter(db, 'discord', '801');
    await setNoticeChannel(db, 'slack', 'T1', { channel: 'CNOTICE' });
    await addFlattrs(db, [
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:1' },
      { platform: 'discord', supporter: '801', creator: '539', community: discord.guild.id, channel: discord.guild.channelId, item: 'd:1' },
    ]);
    await settle(db);
  }, 60_000);
  afterAll(async () => {
    await slack?.close();
    await discord?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a malformed or unsettled period in one line, writing nothing', async () => {
    expect(await cli('notify', '--period', '2026-13')).toMatchObject({ code: 1, stderr: 'flattr: period: "2026-13" is not a period: write YYYY-MM, e.g. 2026-11\n' });
    expect(await cli('notify', '--period', '2026-12')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^flattr: 2026-12 is open, not settled: .*\n$/) });
    expect(await count()).toBe(0);
  });

  it('--dry-run prints what would be sent and writes nothing', async () => {
    const dry = await cli('notify', '--period', PERIOD, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe([
      `${PERIOD}: not derived yet; flattr notify would derive and send 4 of 4 notices:`,
      `  would send digest discord:${discord.guild.id} to channel ${discord.guild.channelId}`,
      '  would send digest slack:T1 to channel CNOTICE',
      '  would send statement user:1 to a DM on slack',
      '  would send statement user:2 to a DM on discord',
      '',
    ].join('\n'));
    expect(await count()).toBe(0);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('derives and sends with no hub running, prints what became of each, and sends nothing twice', async () => {
    const first = await cli('notify', '--period', PERIOD);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^sent +digest +slack:T1 to channel CNOTICE: message \d+\.\d+$/m);
    expect(first.stdout).toMatch(/^sent +statement +user:2 to discord user 801: message \d+$/m);
    expect(first.stdout).toContain(`${PERIOD}: 4 sent, 0 failed, 0 skipped`);
    expect(slack.posted('CNOTICE')).toHaveLength(1);
    const again = await cli('notify', '--period', PERIOD);
    expect(again.stdout).toContain(`${PERIOD}: nothing to send`);
    expect(slack.posted('CNOTICE')).toHaveLength(1);
    expect(discord.state.posted.get(discord.guild.channelId)).toHaveLength(1);
    const listed = await cli('notices', '--period', PERIOD);
    expect(listed.stdout.split('\n')[0]).toBe(`${PERIOD}: 4 notices (sent 4)`);
  }, 60_000);
});
