import type { Redis } from 'ioredis';
import type { PollSettings } from './poll-settings.js';

type Budget = Pick<PollSettings, 'appLimit' | 'appWindowSeconds'>;

/**
 * X's per-app limit on liked_tweets is shared by every process polling with
 * this app, so it is counted in Redis: one counter per fixed window. A 429
 * that X answers while the user's own limit is not spent is the app's (or
 * X's) limit: `pauseApp` then holds every poll until X's reset.
 */
const windowKey = (prefix: string, budget: Budget, nowMs: number) => `${prefix}:x-poll:app:${Math.floor(nowMs / (budget.appWindowSeconds * 1000))}`;
const pauseKey = (prefix: string) => `${prefix}:x-poll:app-paused-until`;
const windowEnd = (budget: Budget, nowMs: number) => (Math.floor(nowMs / (budget.appWindowSeconds * 1000)) + 1) * budget.appWindowSeconds * 1000;

// INCR and expiry in one step, so a counter never outlives its window.
const TAKE = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

/** Takes one request of the app's budget; refused (with when to try again) when the window's budget is spent or X paused the app. */
export async function takeAppRequest(redis: Redis, prefix: string, budget: Budget, nowMs: number): Promise<{ ok: true } | { ok: false; retryAt: number }> {
  const paused = Number(await redis.get(pauseKey(prefix)));
  if (paused > nowMs) return { ok: false, retryAt: paused };
  const used = Number(await redis.eval(TAKE, 1, windowKey(prefix, budget, nowMs), String(budget.appWindowSeconds * 2000)));
  return used <= budget.appLimit ? { ok: true } : { ok: false, retryAt: windowEnd(budget, nowMs) };
}

/** Requests left in the current window (0 while paused): the tick starts no more polls than this. */
export async function appRequestsLeft(redis: Redis, prefix: string, budget: Budget, nowMs: number): Promise<number> {
  const [paused, used] = await Promise.all([redis.get(pauseKey(prefix)), redis.get(windowKey(prefix, budget, nowMs))]);
  if (Number(paused) > nowMs) return 0;
  return Math.max(0, budget.appLimit - Number(used ?? 0));
}

export async function pauseApp(redis: Redis, prefix: string, untilMs: number, nowMs: number): Promise<void> {
  await redis.set(pauseKey(prefix), String(untilMs), 'PX', Math.max(1000, untilMs - nowMs));
}

/**
 * X bills a Post read once per UTC day however often it is read (PLATFORMS.md),
 * so the Posts read are remembered per day, across processes: returns how
 * many of `postIds` were not read yet today, what the read adds to the bill.
 */
export async function countBillable(redis: Redis, prefix: string, postIds: readonly string[], nowMs: number): Promise<number> {
  if (postIds.length === 0) return 0;
  const key = `${prefix}:x-poll:read:${new Date(nowMs).toISOString().slice(0, 10)}`;
  const [[, added]] = (await redis.multi().sadd(key, ...postIds).expire(key, 2 * 24 * 3600).exec()) as [[Error | null, number], unknown];
  return added;
}
