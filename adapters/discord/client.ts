import type { EventEmitter } from 'node:events';
import { Client, Events, GatewayIntentBits, Options, REST, type IIdentifyThrottler } from 'discord.js';
import { rejectNoticeRateLimit } from './send.js';

export type DiscordClientConfig = { token: string; apiUrl?: string };

/** A raw gateway dispatch as discord.js re-emits it, sequence number included. */
export type RawDispatch = { op: number; t: string | null; s: number | null; d: unknown };

/** Which gateway shard a client connects (shard-leases.ts decides), and the throttler its IDENTIFY waits on. */
export type ShardSpec = { id: number; count: number; identifyThrottler: IIdentifyThrottler };

/**
 * The discord.js client for one gateway shard: connection, heartbeats,
 * reconnect and RESUME, REST with rate limits. One client per shard, so a
 * process can connect and drop each shard on its own as it takes or loses
 * the shard's lease. Reactions are read from raw dispatches (see
 * listen-reactions.ts), so no partials are needed to see reactions on
 * uncached messages; the intents are what makes Discord send them at all.
 * DirectMessageReactions is on so a DM reaction is seen and dropped with a
 * reason instead of vanishing.
 */
export function createDiscordClient(config: DiscordClientConfig, shard: ShardSpec): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessageReactions],
    // IDENTIFY carries shard [id, count]: Discord sends this connection the guilds with (guild_id >> 22) % count === id.
    shards: [shard.id],
    shardCount: shard.count,
    // Shared by the shard clients of a process, so their IDENTIFYs respect max_concurrency together.
    ws: { buildIdentifyThrottler: () => shard.identifyThrottler },
    rest: restOptions(config),
    // Nothing here reads cached messages, members or users: reactions come raw, authors from REST
    // (author-lookup.ts). Unbounded by default, the member and user caches would grow with every reacting person.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
    }),
  });
}

/**
 * REST for everything that is not a shard's own (author lookups, notices,
 * command registration, GET /gateway/bot): it works whether or not this
 * process holds a shard.
 */
export function createDiscordRest(config: DiscordClientConfig): REST {
  return new REST(restOptions(config)).setToken(config.token);
}

function restOptions(config: DiscordClientConfig) {
  // DISCORD_API_URL moves every REST call (and so the gateway URL, from /gateway/bot) to a local fake.
  return { ...(config.apiUrl ? { api: config.apiUrl } : {}), rejectOnRateLimit: rejectNoticeRateLimit };
}

/**
 * Every gateway dispatch with its sequence number. discord.js emits `raw`
 * (Events.Raw) before its own handling, but its typings leave it out of
 * ClientEvents.
 */
export function onRawDispatch(client: Client, listener: (packet: RawDispatch, shardId: number) => void): void {
  (client as unknown as EventEmitter).on(Events.Raw, listener);
}

/**
 * Hides a dispatch from discord.js's own handlers. They read fields
 * unguarded (`d.emoji` for reactions, `d.entitlements` for interactions), so
 * a malformed dispatch throws inside the gateway's async emitter: an
 * unhandled rejection, fatal on Node 20. The raw listener runs first with the
 * very packet discord.js handles next; renaming the event of a dispatch the
 * adapter has already rejected loses nothing and keeps the process alive.
 */
export function hideFromDiscordJs(packet: RawDispatch): void {
  packet.t = `FLATTR_IGNORED_${packet.t}`;
}
