import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from './env.js';
import { deleteKeys } from './delete-keys.js';
import { createPostgresTemplate, dropDatabases, runDatabasePrefix, TEMPLATE_ENV } from './database.js';

/**
 * Fail fast, with the fix, when a service the tests need is down. Tags the
 * run's queue prefixes, and at the end fails the run if any of its keys were
 * left in Redis (each file removes its own: test/support/redis-cleanup.ts).
 * Migrates one PostgreSQL database that every test database is copied from
 * (test/support/database.ts); at the end drops it and the run's test databases.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const run = randomBytes(3).toString('hex');
  // Forked test workers inherit the environment.
  process.env.FLATTR_TEST_RUN = run;
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_PG_ADMIN_URL} (${(error as Error).message}); start it (see .ci/run) or set TEST_PG_ADMIN_URL`);
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis is not reachable at ${TEST_REDIS_URL} (${(error as Error).message}); start it (see .ci/run) or set TEST_REDIS_URL`);
  } finally {
    redis.disconnect();
  }
  const template = await createPostgresTemplate(`flattr_tpl_${run}`);
  process.env[TEMPLATE_ENV] = `flattr_tpl_${run}`;
  return async () => {
    await dropDatabases(runDatabasePrefix(run));
    await template.drop();
    const sample: string[] = [];
    const left = await deleteKeys([`{t-${run}-*`], sample);
    if (left === 0) return;
    // A throw here is only printed by vitest; the exit code must say it too.
    process.stderr.write(`\nFAIL: the tests left ${left} Redis keys under {t-${run}-…} (now deleted): a test file made a queue prefix without test/support/queue.ts, or wrote after its cleanup (${sample.join(', ')})\n`);
    process.exitCode = 1;
  };
}
