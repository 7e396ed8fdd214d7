import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './env.js';

/** Deletes every key matching one of the glob patterns; returns how many there were (and a few of their names). */
export async function deleteKeys(patterns: string[], sample: string[] = []): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let deleted = 0;
    for (const pattern of patterns) {
      for await (const keys of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
        if (keys.length) deleted += await redis.unlink(...keys);
        sample.push(...keys.slice(0, Math.max(0, 5 - sample.length)));
      }
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}
