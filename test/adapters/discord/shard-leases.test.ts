import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/index.js';
import type { ShardLeaseOptions } from '../../../adapters/discord/shard-leases.js';
import type { AdapterContext } from '../../../src/adapters/port.js';
import { loadConfig } from '../../../src/config.js';
import type { LikeEvent } from '../../../src/domain/like-event.js';
import { startHub, type Hub } from '../../../src/main.js';
import { createLogger } from '../../../src/support/logger.js';
import { createMetrics } from '../../../src/support/metrics.js';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { FakeDiscord, waitFor } from '../../fakes/discord/fake-discord.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { startHubProcess, type HubProcess } from '../../support/hub-process.js';
import { randomQueuePrefix } from '../../support/queue.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { drainHub } from '../contract.js';

// Discord puts guild G on shard (G >> 22) % shards: one guild per shard.
const guilds = [0n, 1n].map((k) => {
  const id = String((10_000_000_000n + k) << 22n);
  return { id, channelId: String(BigInt(id) + 1n), ownerId: '80351110224678999' };
});
const LIKER = '80351110224678912';
const AUTHOR = '53908232506183680';
let messages = 0;

/** A reaction in the guild of `shard`; resolves once the fake sent it. */
function react(fake: FakeDiscord, shard: number): string {
  const messageId = String(1300000000000000000n + BigInt(++messages));
  const g = guilds[shard]!;
  fake.react('add', { guildId: g.id, channelId: g.channelId, messageId, userId: LIKER, emoji: '⭐', authorId: AUTHOR });
  return `${g.id}:${g.channelId}:${messageId}`;
}
const identifiesOf = (fake: FakeDiscord, shard: number) => fake.gateway.identified.filter(([s]) => s === shard).length;

/** A Discord adapter as one api process runs it, with its own Redis connection and a record of what it emitted. */
function adapterProcess(fake: FakeDiscord, redisUrl: string, prefix: string, shardLease?: ShardLeaseOptions) {
  const events: LikeEvent[] = [];
  const ctx: AdapterContext = {
    emitLike: async (event) => void events.push(event), ignore: () => {}, db: undefined as never, cipher: undefined as never,
    logger: createLogger('silent'), metrics: createMetrics(), publicUrl: 'http://localhost', now: () => new Date(),
  };
  const adapter: DiscordAdapter = createDiscordAdapter(
    { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl }, ctx, { redis: { url: redisUrl, prefix }, shardLease, readyTimeoutMs: 10_000 },
  );
  return { adapter, events };
}

/** docs/architecture.md: with several api processes, each gateway shard is connected from exactly one of them. */
describe('discord: two hubs against one Discord', () => {
  let fake: FakeDiscord;
  let database: TestDatabase;
  let dataDir: string;
  const hubs: Hub[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatInterval: 250, shards: 2, guilds });
    database = await createPostgresDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-discord-shards-'));
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(),
      LOG_LEVEL: 'silent', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_TOKEN: randomBytes(16).toString('hex'),
      SESSION_SECRET: randomBytes(32).toString('hex'), DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl,
    });
    hubs.push(await startHub(config, { role: 'all' }));
    const started = Date.now();
    hubs.push(await startHub(config, { role: 'api' }));
    // The second hub finds both shards held: its start does not wait for them.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
  afterAll(async () => {
    for (const hub of hubs.splice(0).reverse()) await hub.close();
    await fake?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('identifies each shard once, from one hub', () => {
    expect(fake.gateway.identified.sort()).toEqual([[0, 2], [1, 2]]);
    expect(fake.gateway.overlaps).toBe(0);
  });

  it('records a reaction on either shard once: one like event, not a duplicate deduplicated later', async () => {
    await setSupporter(database.prisma, { platform: 'discord', externalId: LIKER, budget: '35', enable: ['discord'] });
    const items = [react(fake, 0), react(fake, 1)];
    await waitFor(() => fake.gateway.acknowledged >= (fake.gateway.sessionFor(0)?.sequence ?? 0), 'the reactions to be received');
    await Promise.all(hubs.map((hub) => (hub.adapters.find((a) => a.name === 'discord') as DiscordAdapter).idle()));
    const drained = await drainHub(hubs[0]!, database.prisma);
    expect(drained.events).toBe(2);
    expect(drained.active.sort()).toEqual(items.sort());
  });

  it('answers /flattr in the guilds of both shards exactly once', async () => {
    for (const g of guilds) {
      const interactions = fake.state.replies.size;
      const reply = await fake.command(LIKER, 'help', [], { guildId: g.id });
      expect(reply.content).toContain('/flattr');
      expect(fake.state.replies.size).toBe(interactions + 1);
      expect([...fake.state.replies.values()].at(-1)).toHaveLength(1);
    }
  });
});

describe('discord: a shard changes hands', () => {
  const lease: ShardLeaseOptions = { ttlMs: 1_500, renewEveryMs: 200, acquireEveryMs: 200 };
  let fake: FakeDiscord;
  let proxy: TcpProxy;
  let redis: Redis;
  let processes: ReturnType<typeof adapterProcess>[] = [];

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    redis = new Redis(TEST_REDIS_URL);
  });
  afterEach(async () => {
    proxy.set('up');
    for (const p of processes.splice(0)) await p.adapter.stop();
    await fake?.close();
  });
  afterAll(async () => {
    await proxy?.close();
    redis?.disconnect();
  });

  /** A holds both shards (its Redis through the proxy), B stands by (its Redis direct). */
  async function twoProcesses(prefix = randomQueuePrefix()) {
    fake = await FakeDiscord.start({ heartbeatInterval: 200, shards: 2, guilds });
    const a = adapterProcess(fake, proxy.url(TEST_REDIS_URL), prefix, lease);
    const b = adapterProcess(fake, TEST_REDIS_URL, prefix, lease);
    processes = [a, b];
    await a.adapter.start();
    await b.adapter.start();
    expect(fake.gateway.identified.sort()).toEqual([[0, 2], [1, 2]]);
    return { a, b, prefix };
  }

  it('is taken over when its holder cannot reach Redis, without two connections at once', async () => {
    const { a, b } = await twoProcesses();
    const cutAt = Date.now();
    proxy.set('refuse');
    await waitFor(() => identifiesOf(fake, 0) === 2 && identifiesOf(fake, 1) === 2, 'the other process to identify both shards', 10_000);
    const tookMs = Date.now() - cutAt;
    // The holder gave up at ttl - margin; the other took over once Redis let the lease expire.
    expect(tookMs).toBeGreaterThanOrEqual(lease.ttlMs! - 300);
    expect(tookMs).toBeLessThan(lease.ttlMs! + 2_000);
    expect(fake.gateway.overlaps).toBe(0);
    expect([0, 1].map((s) => fake.gateway.openConnections(s))).toEqual([1, 1]);

    const before = a.events.length;
    const item = react(fake, 1);
    await waitFor(() => b.events.length === 1, 'the new holder to record the reaction');
    await b.adapter.idle();
    expect(b.events.map((e) => e.item)).toEqual([item]);
    expect(a.events.length).toBe(before);

    // Back in touch, the old holder finds both leases taken and stays off the gateway.
    proxy.set('up');
    await new Promise((resolve) => setTimeout(resolve, 4 * lease.acquireEveryMs!));
    expect(fake.gateway.identified).toHaveLength(4);
    expect(fake.gateway.overlaps).toBe(0);
  });

  it('is taken over when its holder\'s Redis connection hangs (a partition)', async () => {
    await twoProcesses();
    proxy.set('blackhole');
    await waitFor(() => identifiesOf(fake, 0) === 2 && identifiesOf(fake, 1) === 2, 'the other process to identify both shards', 10_000);
    expect(fake.gateway.overlaps).toBe(0);
    expect([0, 1].map((s) => fake.gateway.openConnections(s))).toEqual([1, 1]);
  });

  it('drops a shard at once when its lease is found held by another process', async () => {
    const { prefix } = await twoProcesses();
    await redis.set(`${prefix}:discord:shard:0`, 'someone-else', 'PX', 60_000);
    await waitFor(() => fake.gateway.openConnections(0) === 0, 'shard 0 to be disconnected', 2 * lease.renewEveryMs! + 1_000);
    expect(fake.gateway.openConnections(1)).toBe(1);
    await redis.del(`${prefix}:discord:shard:0`);
    // Discord spaces IDENTIFYs of one rate-limit bucket 5 s apart: the process that identified shard 0 last waits that long.
    await waitFor(() => fake.gateway.openConnections(0) === 1, 'shard 0 to be taken again', 10_000);
    expect(fake.gateway.overlaps).toBe(0);
  });

  it('keeps the shard count of the running processes when Discord recommends another', async () => {
    const { b } = await twoProcesses();
    await b.adapter.stop();
    fake.state.shards = 3;
    await b.adapter.start();
    await new Promise((resolve) => setTimeout(resolve, 4 * lease.acquireEveryMs!));
    // With 3 shards it would have taken shard 2 of 3, whose guilds overlap A's shards 0 and 1 of 2.
    expect(fake.gateway.identified.every(([, count]) => count === 2)).toBe(true);
    expect(fake.gateway.identified).toHaveLength(2);
  });

  it('releases its shards on stop, so the other process takes them at its next try', async () => {
    const { a } = await twoProcesses();
    const stoppedAt = Date.now();
    await a.adapter.stop();
    await waitFor(() => identifiesOf(fake, 0) === 2 && identifiesOf(fake, 1) === 2, 'the other process to identify both shards', 5_000);
    expect(Date.now() - stoppedAt).toBeLessThan(lease.ttlMs!);
    expect(fake.gateway.overlaps).toBe(0);
  });
});

describe('discord: kill -9 of the process holding the shards', () => {
  let fake: FakeDiscord;
  let database: TestDatabase;
  let dataDir: string;
  let holder: HubProcess | undefined;
  let standby: ReturnType<typeof adapterProcess> | undefined;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatInterval: 1_000, shards: 2, guilds });
    database = await createPostgresDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-discord-kill-'));
  });
  afterAll(async () => {
    await holder?.stop('SIGKILL');
    await standby?.adapter.stop();
    await fake?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is taken over within 30 s with the production lease timings', async () => {
    const prefix = randomQueuePrefix();
    holder = await startHubProcess({
      DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: dataDir,
      DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl,
    });
    await waitFor(() => fake.gateway.identified.length === 2, 'the hub process to identify both shards');
    standby = adapterProcess(fake, TEST_REDIS_URL, prefix);
    await standby.adapter.start();
    expect(fake.gateway.identified).toHaveLength(2);

    await holder.stop('SIGKILL');
    const killedAt = Date.now();
    await waitFor(() => identifiesOf(fake, 0) === 2 && identifiesOf(fake, 1) === 2, 'the standby to identify both shards', 30_000);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(fake.gateway.overlaps).toBe(0);

    const item = react(fake, 0);
    await waitFor(() => standby!.events.length === 1, 'the standby to record the reaction');
    expect(standby.events[0]!.item).toBe(item);
  }, 60_000);
});
