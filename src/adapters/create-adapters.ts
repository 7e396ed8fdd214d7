import { createSlackAdapter } from '../../adapters/slack/index.js';
import type { Config } from '../config.js';
import type { AdapterContext, PlatformAdapter } from './port.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { DEFAULT_REDIS_URL } from '../support/redis.js';

/**
 * The configured platform adapters, as a plain array. A platform whose
 * variables are unset is left out (describeAdapters says why at start).
 * Each platform adds one line here, from its own folder under adapters/.
 */
export function createAdapters(config: Config, context: AdapterContext): PlatformAdapter[] {
  const adapters: PlatformAdapter[] = [];
  if (config.slack) adapters.push(createSlackAdapter(config.slack, context));
  // Gateway shard leases live in the hub's Redis (ensureRedis falls back to DEFAULT_REDIS_URL as here).
  if (config.discord) adapters.push(createDiscordAdapter(config.discord, context, { redis: { url: config.redis.url ?? DEFAULT_REDIS_URL, prefix: config.redis.queuePrefix } }));
  void config;
  void context;
  return adapters;
}
