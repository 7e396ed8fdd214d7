import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { enqueueLike } from '../../src/ingest/enqueue-like.js';
import { startHub } from '../../src/main.js';
import { QUEUES } from '../../src/queues.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeys } from '../support/delete-keys.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

/** A worker-only process (`--role worker`) serves its own probes and counters on METRICS_PORT, and nothing without it. */
describe('worker processes: /metrics on METRICS_PORT', () => {
  const databases: TestDatabase[] = [];
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const d of databases) await d.drop();
    await deleteKeys(prefixes.map((p) => `${p}:*`));
  });

  async function worker(env: Record<string, string> = {}) {
    const database = await createPostgresDatabase();
    databases.push(database);
    const prefix = randomQueuePrefix();
    prefixes.push(prefix);
    const hub = await startHub(loadConfig({
      DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, PORT: '0', HOST: '127.0.0.1',
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'flattr-worker-metrics-')), LOG_LEVEL: 'silent', ...env,
    }), { role: 'worker' });
    return { hub, prefix };
  }

  it('counts what its ingest worker did, where Prometheus can scrape it; probes answer', async () => {
    const { hub, prefix } = await worker({ METRICS_PORT: '0' });
    const likes = new Queue(QUEUES.likes, { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      expect(hub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${hub.url}/readyz`);
      expect(await ready.json()).toEqual({ ok: true, checks: { redis: true, database: true } });
      // A like from someone who never joined: the worker ignores it and counts why.
      await enqueueLike(likes, {
        platform: 'slack', eventId: 'EvWorkerMetrics', action: 'like', liker: 'T1:UNOBODY', author: 'T1:U2', item: 'T1:C1:1.1',
        community: 'T1', reaction: 'star', occurredAt: new Date().toISOString(),
      });
      await expect.poll(async () => (await fetch(`${hub.url}/metrics`)).text(), { timeout: 15_000 })
        .toMatch(/flattr_likes_total\{platform="slack",outcome="ignored",reason="[a-z_]+"\} 1/);
      // The web and the adapters are the api processes': a worker serves only the probes.
      expect((await fetch(`${hub.url}/api/v1/me`)).status).toBe(404);
    } finally {
      await likes.close();
      await hub.close();
    }
  });

  it('listens on nothing without METRICS_PORT', async () => {
    const { hub } = await worker();
    try {
      expect(hub.url).toBeUndefined();
    } finally {
      await hub.close();
    }
  });
});
