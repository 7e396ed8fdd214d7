import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/support/logger.js';
import { ensureRedis, pingRedis } from '../../src/support/redis.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { freePort } from '../support/free-port.js';

const logger = createLogger('silent');

describe('ensureRedis', () => {
  it('uses a Redis that answers', async () => {
    const handle = await ensureRedis(TEST_REDIS_URL, '/nonexistent', logger);
    expect(handle.child).toBeUndefined();
    await handle.stop();
  });

  it('on a fresh machine starts redis-server as a child with an append-only file, and stops it with the hub', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-redis-'));
    const url = `redis://127.0.0.1:${await freePort()}`;
    const handle = await ensureRedis(undefined, dataDir, logger, url);
    try {
      expect(handle.child?.pid).toBeGreaterThan(0);
      const client = new Redis(url);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', path.resolve(dataDir, 'redis')]);
      await client.set('k', 'v');
      client.disconnect();
      expect(existsSync(path.join(dataDir, 'redis'))).toBe(true);
    } finally {
      await handle.stop();
    }
    expect(handle.child?.exitCode ?? handle.child?.signalCode).not.toBeNull();
    expect(await pingRedis(url, 300)).toBe(false);
  });

  it('refuses a configured REDIS_URL that does not answer, saying how to start one', async () => {
    await expect(ensureRedis(`redis://127.0.0.1:${await freePort()}`, '/tmp', logger)).rejects.toThrow(/Redis is unreachable at .*: start one with `redis-server/);
  });
});
