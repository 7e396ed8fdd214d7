import pg from 'pg';
import { Redis } from 'ioredis';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from './env.js';

/** Fail fast, with the fix, when a service the tests need is down. */
export default async function setup(): Promise<void> {
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
}
