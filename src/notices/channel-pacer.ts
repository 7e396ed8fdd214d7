import type { Redis } from 'ioredis';

/**
 * Takes the pace key (a Slack channel) if its last send was at least the
 * interval ago: records now as its last send and answers 0; otherwise
 * answers how many ms are left. Atomic, so every worker process shares it.
 */
const ACQUIRE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '-1e15')
if now - last >= interval then
  redis.call('SET', KEYS[1], now, 'PX', interval + 60000)
  return 0
end
return math.ceil(last + interval - now)`;

/** Moves a key's last send so that nothing goes before `until` (a 429's Retry-After); an even later one stays. */
const BLOCK = `
local next = tonumber(ARGV[1]) - tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '-1e15')
if next > last then redis.call('SET', KEYS[1], next, 'PX', math.max(1, tonumber(ARGV[1]) - tonumber(ARGV[3])) + 60000) end
return 0`;

export type ChannelPacer = {
  /** 0: send now (the key is taken); else wait this many ms and ask again. */
  acquire(key: string, intervalMs: number): Promise<number>;
  /** After a 429: nothing for `key` before `untilMs`. */
  block(key: string, intervalMs: number, untilMs: number): Promise<void>;
};

/**
 * At most one message per interval per key, across every worker process,
 * through the time of the key's last send in Redis (under the queue prefix,
 * so on the queue's Redis Cluster slot). A job that must wait is delayed
 * instead of sleeping, so no other notice waits behind it.
 */
export function createChannelPacer(redis: Redis, prefix: string, now: () => number = Date.now): ChannelPacer {
  const k = (key: string) => `${prefix}:notify-pace:${key}`;
  return {
    async acquire(key, intervalMs) {
      return Number(await redis.eval(ACQUIRE, 1, k(key), now(), intervalMs));
    },
    async block(key, intervalMs, untilMs) {
      await redis.eval(BLOCK, 1, k(key), untilMs, intervalMs, now());
    },
  };
}
