import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueLike } from '../../src/ingest/enqueue-like.js';
import { QUEUES } from '../../src/queues.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { randomQueuePrefix } from '../support/queue.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * SIGTERM stops `flattr start` within 10 s even when Redis or PostgreSQL went
 * away under it; what was committed stays, what was only queued is done at
 * the next start. The services are taken away through a TCP proxy, so the
 * shared servers keep running for every other test.
 */
describe('stopping the hub when a service is gone', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  async function world() {
    const database = await createPostgresDatabase();
    cleanups.push(() => database.drop());
    const redisProxy = await startTcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));
    cleanups.push(() => redisProxy.close());
    const pgProxy = await startTcpProxy('127.0.0.1', Number(new URL(database.url!).port || 5432));
    cleanups.push(() => pgProxy.close());
    const prefix = randomQueuePrefix();
    const env = {
      DATABASE_URL: pgProxy.url(database.url!), REDIS_URL: redisProxy.url(TEST_REDIS_URL), QUEUE_PREFIX: prefix,
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'flattr-stop-')), ADMIN_TOKEN: 'an-admin-token-for-the-test',
    };
    return { database, redisProxy, pgProxy, prefix, env };
  }

  async function start(env: Record<string, string>): Promise<HubProcess> {
    const hub = await startHubProcess(env);
    cleanups.push(() => hub.stop('SIGKILL'));
    return hub;
  }

  const outages: [string, (w: { redisProxy: TcpProxy; pgProxy: TcpProxy }) => void][] = [
    ['Redis refuses connections', (w) => w.redisProxy.set('refuse')],
    ['Redis is cut off (nothing answers)', (w) => w.redisProxy.set('blackhole')],
    ['PostgreSQL is cut off (nothing answers)', (w) => w.pgProxy.set('blackhole')],
  ];
  it.each(outages)('stops within 10 s when %s', async (_name, cut) => {
    const w = await world();
    const hub = await start(w.env);
    cut(w);
    await new Promise((r) => setTimeout(r, 1500));
    const { code, ms } = await hub.stop('SIGTERM');
    expect(ms).toBeLessThan(10_000);
    expect(code).toBe(0);
  });

  it('does what was only queued at the next start', async () => {
    const w = await world();
    await setSupporter(w.database.prisma, { platform: 'slack', externalId: 'T1:U1', budget: '10', enable: ['slack'], active: true });
    const hub = await start(w.env);
    w.redisProxy.set('blackhole');
    // Queued behind the hub's back while it cannot reach Redis.
    const likes = new Queue(QUEUES.likes, { connection: { url: TEST_REDIS_URL }, prefix: w.prefix });
    cleanups.push(async () => {
      await likes.obliterate({ force: true });
      await likes.close();
    });
    await enqueueLike(likes, {
      platform: 'slack', eventId: 'EvQueued', action: 'like', liker: 'T1:U1', author: 'T1:U2', item: 'T1:C1:1.1',
      community: 'T1', reaction: 'star', occurredAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const { ms } = await hub.stop('SIGTERM');
    expect(ms).toBeLessThan(10_000);

    w.redisProxy.set('up');
    await start(w.env);
    await expect.poll(async () => countFlattrs(w.database), { timeout: 15_000 }).toBe(1);
  });

  it('never prints a password, token or OAuth code, from the start banner to the last line', async () => {
    const w = await world();
    const secret = 'Pa55-w0rd-in-the-url';
    const env = {
      ...w.env,
      // Neither server checks these passwords (trust auth; Redis without requirepass), so the hub runs.
      REDIS_URL: w.env.REDIS_URL.replace('redis://', `redis://:${secret}@`),
      DATABASE_URL: w.env.DATABASE_URL.replace('postgres@', `postgres:${secret}@`),
      ADMIN_TOKEN: `${secret}-admin`,
    };
    const hub = await start(env);
    await fetch(`${hub.url}/auth/slack/callback?code=${secret}&state=${secret}`);
    await fetch(`${hub.url}/login/${secret}`);
    await fetch(`${hub.url}/admin/queues`, { headers: { authorization: `Bearer ${secret}` } });
    w.redisProxy.set('refuse');
    await new Promise((r) => setTimeout(r, 500));
    await hub.stop('SIGTERM');
    const output = hub.output();
    expect(output).toContain('flattr-hub starting');
    expect(output).toContain(':***@127.0.0.1');
    expect(output).toContain('/auth/slack/callback?code=***');
    expect(output).not.toContain(secret);
  });
});

async function countFlattrs(database: TestDatabase): Promise<number> {
  const [row] = await database.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM flattrs`);
  return row!.n;
}
