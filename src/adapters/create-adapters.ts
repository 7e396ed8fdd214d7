import type { Config } from '../config.js';
import type { AdapterContext, PlatformAdapter } from './port.js';
import { DEFAULT_REDIS_URL } from '../support/redis.js';
import { describeAdapters } from './describe-adapters.js';

/**
 * The configured platform adapters, as a plain array. A platform whose
 * variables are unset is left out (describeAdapters says why at start).
 * Each platform adds one line here, from its own folder under adapters/.
 * Each is imported only when configured: a hub without Discord never loads
 * discord.js (about 0.5 s and 45 MB), nor one without Slack Bolt.
 */
export async function createAdapters(config: Config, context: AdapterContext): Promise<PlatformAdapter[]> {
  const adapters: PlatformAdapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import('../../adapters/slack/index.js');
    adapters.push(createSlackAdapter(config.slack, context));
  }
  // Gateway shard leases live in the hub's Redis (ensureRedis falls back to DEFAULT_REDIS_URL as here).
  if (config.discord) {
    const { createDiscordAdapter } = await import('../../adapters/discord/index.js');
    adapters.push(createDiscordAdapter(config.discord, context, { redis: { url: config.redis.url ?? DEFAULT_REDIS_URL, prefix: config.redis.queuePrefix } }));
  }
  if (describeAdapters(config).find((a) => a.name === 'twitter')?.on) {
    const { createTwitterAdapter } = await import('../../adapters/twitter/index.js');
    adapters.push(createTwitterAdapter(config.twitter!, context));
  }
  return adapters;
}
