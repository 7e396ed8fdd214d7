import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from './database.js';
import { TEST_REDIS_URL } from './env.js';
import { randomQueuePrefix } from './queue.js';

/**
 * A describe block's own world for running the real bin: a fresh PostgreSQL
 * database, a queue prefix and a DATA_DIR, and the environment that points
 * a command at them. Removed when the block ends.
 */
export function useCliEnv() {
  let database: TestDatabase | undefined;
  let env: Record<string, string> = {};
  let dataDir: string | undefined;
  const prefix = randomQueuePrefix();
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-cli-'));
    env = { DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return { database: () => database!, env: () => env, dataDir: () => dataDir!, prefix };
}
