import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startHub, type Hub } from '../../src/main.js';
import { ALL_QUEUES } from '../../src/runtime.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

describe('the running hub', () => {
  let database: TestDatabase;
  let hub: Hub;
  const adminToken = 'a-very-secret-admin-token';
  beforeAll(async () => {
    database = await createPostgresDatabase();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-hub-'));
    hub = await startHub(loadConfig({
      DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), PORT: '0', HOST: '127.0.0.1',
      DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_TOKEN: adminToken,
    }), { role: 'all' });
  });
  afterAll(async () => {
    await hub?.close();
    await database?.drop();
  });

  it('answers liveness and readiness with the state of Redis and the database', async () => {
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { redis: true, database: true } });
  });

  it('exposes Prometheus metrics, including likes by outcome', async () => {
    const body = await (await fetch(`${hub.url}/metrics`)).text();
    expect(body).toContain('# TYPE flattr_likes_total counter');
    expect(body).toContain('# TYPE flattr_adapter_ignored_total counter');
  });

  it('keeps the queue dashboard behind the admin token', async () => {
    expect((await fetch(`${hub.url}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${hub.url}/admin/queues`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const page = await fetch(`${hub.url}/admin/queues`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(page.status).toBe(200);
    const basic = Buffer.from(`admin:${adminToken}`).toString('base64');
    const api = await fetch(`${hub.url}/admin/queues/api/queues`, { headers: { authorization: `Basic ${basic}` } });
    expect(api.status).toBe(200);
    const { queues } = await api.json() as { queues: { name: string }[] };
    expect(queues.map((q) => q.name).sort()).toEqual([...ALL_QUEUES].sort());
  });
});
