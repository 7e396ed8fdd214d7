import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startHub, type Hub } from '../../../src/main.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';

const ANN = '80351110224678901';
const BEN = '80351110224678902';
const CARLA = '53908232506183603'; // creator, never joins
const DAN = '80351110224678904'; // reacts without joining
const STRING = 3;

type Row = { liker: string; item: string; recipient: string; period: string; status: string };

/** The real hub (HTTP, queue, in-process ingest worker, PostgreSQL) with the Discord adapter on a fake Discord. */
describe('discord end to end: /flattr commands and reactions become flattrs in the database', () => {
  let fake: FakeDiscord;
  let database: TestDatabase;
  let hub: Hub;
  let dataDir: string;
  let clock = new Date('2026-11-10T09:00:00.000Z');

  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatInterval: 250 });
    database = await createPostgresDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-discord-e2e-'));
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: randomQueuePrefix(), LOG_LEVEL: 'silent', INGEST_BATCH_SIZE: '10',
      DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl,
    });
    hub = await startHub(config, { role: 'all', now: () => clock });
  });
  afterAll(async () => {
    await hub?.close();
    await fake?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = () => database.prisma.$queryRawUnsafe<Row[]>(
    `SELECT s.external_id AS liker, f.item, r.external_id AS recipient, trim(f.period) AS period, f.status
       FROM flattrs f
       JOIN identities r ON r.id = f.recipient_identity_id
       JOIN identities s ON s.user_id = f.supporter_id AND s.platform = 'discord'
      ORDER BY f.item, s.external_id`,
  );
  const until = async (check: (r: Row[]) => boolean, what: string) => {
    let last: Row[] = [];
    const deadline = Date.now() + 15_000;
    while (!check((last = await rows()))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; flattrs: ${JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return last;
  };

  it('registers /flattr globally at start', () => {
    const [command] = fake.state.commands.get('global') as { name: string }[];
    expect(command?.name).toBe('flattr');
  });

  it('answers /flattr join, budget and on ephemerally, and a bad amount helpfully', async () => {
    for (const user of [ANN, BEN]) {
      const joined = await fake.command(user, 'join');
      expect(joined).toMatchObject({ flags: 64, content: expect.stringContaining('/flattr budget') });
      const budget = await fake.command(user, 'budget', [{ name: 'amount', type: STRING, value: '35' }]);
      expect(budget.flags).toBe(64);
      expect(budget.content).toMatch(/35/);
      const on = await fake.command(user, 'on');
      expect(on.flags).toBe(64);
    }
    const bad = await fake.command(ANN, 'budget', [{ name: 'amount', type: STRING, value: '35,5.0' }]);
    expect(bad).toMatchObject({ flags: 64, content: expect.stringContaining('35,5.0') });
    const french = await fake.command(BEN, 'status', [], { locale: 'fr' });
    expect(french.flags).toBe(64);
    expect(french.content).not.toBe('');
    const budgets = await database.prisma.$queryRawUnsafe<{ budget_minor: bigint }[]>(`SELECT budget_minor FROM supporter_settings ORDER BY user_id`);
    expect(budgets.map((b) => b.budget_minor)).toEqual([3500n, 3500n]);
  });

  it('records reactions from several users, an unreaction, and drops non-supporters and self-reactions', async () => {
    const guild = fake.guild;
    const [m1, m2, m3] = ['1300000000000000001', '1300000000000000002', '1300000000000000003'];
    fake.addMessage({ messageId: m2, authorId: CARLA }); // m2's author is fetched over REST
    fake.react('add', { messageId: m1, userId: ANN, emoji: '⭐', authorId: CARLA });
    fake.react('add', { messageId: m1, userId: BEN, emoji: '👍', authorId: CARLA });
    fake.react('add', { messageId: m1, userId: DAN, emoji: '⭐', authorId: CARLA });
    fake.react('add', { messageId: m2, userId: ANN, emoji: '❤️' });
    fake.react('add', { messageId: m2, userId: BEN, emoji: { id: '1166438302211211284', name: 'flattr' } });
    fake.react('add', { messageId: m3, userId: BEN, emoji: '⭐', authorId: BEN });
    fake.react('add', { messageId: m3, userId: ANN, emoji: '😂', authorId: BEN });
    const item = (m: string) => `${guild.id}:${guild.channelId}:${m}`;
    await until((r) => r.length === 4, 'four flattrs');
    // The rest were dropped, not lost: the self-reaction by the adapter, Dan and the 😂 by the ingest rules.
    const counted = async () => {
      const likes = (await hub.runtime.metrics.likes.get()).values.filter((v) => v.labels.outcome === 'ignored');
      const adapter = (await hub.runtime.metrics.adapterIgnored.get()).values;
      return { ingest: likes.map((v) => [v.labels.reason, v.value]).sort(), adapter: adapter.map((v) => [v.labels.reason, v.value]) };
    };
    await expect.poll(counted, { timeout: 10_000 }).toEqual({
      ingest: [['not_supporter', 1], ['not_trigger', 1]], adapter: [['self_like', 1]],
    });

    clock = new Date('2026-11-10T09:05:00.000Z');
    fake.react('remove', { messageId: m2, userId: BEN, emoji: { id: '1166438302211211284', name: 'flattr' } });
    const final = await until((r) => r.some((x) => x.status === 'revoked'), 'the unreaction to revoke a flattr');
    expect(final).toEqual([
      { liker: ANN, item: item(m1), recipient: CARLA, period: '2026-11', status: 'active' },
      { liker: BEN, item: item(m1), recipient: CARLA, period: '2026-11', status: 'active' },
      { liker: ANN, item: item(m2), recipient: CARLA, period: '2026-11', status: 'active' },
      { liker: BEN, item: item(m2), recipient: CARLA, period: '2026-11', status: 'revoked' },
    ].sort((a, b) => a.item.localeCompare(b.item) || a.liker.localeCompare(b.liker)));
    const occurred = await database.prisma.$queryRawUnsafe<{ occurred_at: Date }[]>(`SELECT occurred_at FROM flattrs WHERE item = $1 ORDER BY occurred_at`, item(m1));
    // The hub's injected receipt clock, never the database's now().
    expect(occurred.every((o) => o.occurred_at.toISOString().startsWith('2026-11-10T09:00:00'))).toBe(true);
  });

  it('revokes every flattr on a message when a moderator removes all its reactions', async () => {
    const guild = fake.guild;
    const m1 = '1300000000000000001';
    clock = new Date('2026-11-10T09:10:00.000Z');
    fake.gateway.dispatch('MESSAGE_REACTION_REMOVE_ALL', { guild_id: guild.id, channel_id: guild.channelId, message_id: m1 });
    const after = await until((r) => r.filter((x) => x.item.endsWith(m1)).every((x) => x.status === 'revoked'), 'both flattrs on m1 to be revoked');
    expect(after.filter((x) => x.item.endsWith(m1)).map((x) => [x.liker, x.status])).toEqual([[ANN, 'revoked'], [BEN, 'revoked']]);
    expect(after.filter((x) => !x.item.endsWith(m1)).map((x) => x.status)).toEqual(['active', 'revoked']);
  });
});
