import type { EventEmitter } from 'node:events';
import { Client, Events, GatewayIntentBits, Options } from 'discord.js';
import { rejectNoticeRateLimit } from './send.js';

export type DiscordClientConfig = { token: string; apiUrl?: string };

/** A raw gateway dispatch as discord.js re-emits it, sequence number included. */
export type RawDispatch = { op: number; t: string | null; s: number | null; d: unknown };

/**
 * The discord.js client: gateway connection, heartbeats, reconnect and
 * RESUME, REST with rate limits. Reactions are read from raw dispatches (see
 * listen-reactions.ts), so no partials are needed to see reactions on
 * uncached messages; the intents are what makes Discord send them at all.
 * DirectMessageReactions is on so a DM reaction is seen and dropped with a
 * reason instead of vanishing.
 */
export function createDiscordClient(config: DiscordClientConfig): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessageReactions],
    // As many shards as Discord recommends (one per 2,500 guilds), all in this process; event ids are per shard session.
    shards: 'auto',
    // DISCORD_API_URL moves every REST call (and so the gateway URL, from /gateway/bot) to a local fake.
    rest: { ...(config.apiUrl ? { api: config.apiUrl } : {}), rejectOnRateLimit: rejectNoticeRateLimit },
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
