import { Events, type Client } from 'discord.js';
import type { Config } from '../../src/config.js';
import type { AdapterContext, PlatformAdapter } from '../../src/adapters/port.js';
import { createAuthorLookup } from './author-lookup.js';
import { createDiscordClient, onRawDispatch } from './client.js';
import { DiscordStartError } from './discord-start-error.js';
import type { RetryBuffer, RetryBufferOptions } from '../../src/support/retry-buffer.js';
import type { LikeEvent } from '../../src/domain/like-event.js';
import { stopMalformed } from './guard-dispatch.js';
import { createInteractionHandler } from './interactions.js';
import { createLikeBuffer } from './like-buffer.js';
import { createReactionListener } from './listen-reactions.js';
import { ReactionIndex } from './reaction-index.js';
import { registerCommands, type CommandScope } from './register-commands.js';
import { createDiscordSender, type DiscordNotice } from './send.js';

export type DiscordConfig = Omit<NonNullable<Config['discord']>, 'commandScope'> & { commandScope?: CommandScope };
export type DiscordAdapter = PlatformAdapter & {
  /** Resolves once every reaction received so far is enqueued or ignored (tests, graceful stop). */
  idle(): Promise<void>;
  /** The send half: a notice to a channel or a DM (for the notify worker). */
  send(notice: DiscordNotice): Promise<{ channel: string; id: string }>;
};

export type DiscordAdapterOptions = {
  readyTimeoutMs?: number;
  deferAfterMs?: number;
  /** The buffer that holds likes while the likes queue is unreachable (defaults: 10,000 likes, 1 h, backoff 100 ms to 30 s). */
  likeBuffer?: RetryBufferOptions;
  /** How long stop() may wait for held likes to be enqueued before it counts them as dropped. */
  stopTimeoutMs?: number;
};

/** stop() gives held likes this long to reach the queue: a hub asked to stop must stop within seconds. */
const STOP_TIMEOUT_MS = 5_000;

type Running = { client: Client; started: Promise<void>; listening(): Promise<void>; likes: RetryBuffer<LikeEvent> };

/**
 * Discord: reactions in guilds become LikeEvents, `/flattr` answers
 * ephemerally. start() resolves when the gateway is ready and the command is
 * registered; start and stop are idempotent.
 */
export function createDiscordAdapter(config: DiscordConfig, ctx: AdapterContext, options: DiscordAdapterOptions = {}): DiscordAdapter {
  const logger = ctx.logger.child({ adapter: 'discord' });
  let running: Running | undefined;

  const boot = (): Running => {
    const client = createDiscordClient(config);
    const index = new ReactionIndex();
    const likes = createLikeBuffer('discord', ctx, logger, options.likeBuffer);
    const reactions = createReactionListener({
      ctx: { ...ctx, logger }, enqueue: (event) => likes.push(event), selfId: () => client.user?.id, lookupAuthor: createAuthorLookup(client.rest, index), index,
    });
    onRawDispatch(client, (packet, shard) => {
      if (!stopMalformed(packet, (details) => ctx.ignore('discord', 'malformed_dispatch', details))) reactions.onDispatch(packet, shard);
    });
    const onInteraction = createInteractionHandler({ chat: { db: ctx.db, now: ctx.now, logger }, ignore: ctx.ignore, deferAfterMs: options.deferAfterMs });
    client.on(Events.InteractionCreate, (interaction) => {
      onInteraction(interaction).catch((error: unknown) => logger.error({ err: error }, 'discord: interaction failed'));
    });
    const scope = config.commandScope ?? 'global';
    client.on(Events.GuildCreate, (guild) => {
      if (scope === 'guild') void registerCommands(client, config.applicationId, scope, logger, guild.id);
    });
    client.on(Events.ShardReconnecting, (shard) => logger.info({ shard }, 'discord: gateway reconnecting'));
    client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'discord: gateway resumed'));
    client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ shard, code: event.code }, 'discord: gateway closed for good'));
    // Without an 'error' listener an EventEmitter error would crash the process.
    client.on(Events.Error, (error) => logger.error({ err: error }, 'discord: client error'));
    client.on(Events.Warn, (message) => logger.warn({ message }, 'discord: client warning'));
    const started = (async () => {
      const ready = whenReady(client, options.readyTimeoutMs ?? 30_000);
      try {
        await client.login(config.token);
      } catch (error) {
        ready.cancel();
        throw new DiscordStartError('DISCORD_LOGIN_FAILED', `Discord login failed (${String(error)}): check DISCORD_TOKEN and DISCORD_API_URL`, { cause: error });
      }
      await ready.promise;
      await registerCommands(client, config.applicationId, scope, logger);
      logger.info({ user: client.user?.id, guilds: client.guilds.cache.size }, 'discord: connected');
    })();
    return { client, started, listening: reactions.idle, likes };
  };

  return {
    name: 'discord',
    start() {
      if (!running) {
        const current = boot();
        running = current;
        // A failed start leaves nothing behind, so a later start may try again.
        current.started.catch(async () => {
          if (running === current) running = undefined;
          await current.client.destroy();
        });
      }
      return running.started;
    },
    async stop() {
      const current = running;
      if (!current) return;
      running = undefined;
      await current.started.catch(() => undefined);
      // Bounded: with Redis gone, what cannot be enqueued within the time is counted as dropped, never waited for.
      const deadline = Date.now() + (options.stopTimeoutMs ?? STOP_TIMEOUT_MS);
      await Promise.race([current.listening(), sleep(deadline - Date.now())]);
      await current.client.destroy();
      const dropped = await current.likes.close(Math.max(0, deadline - Date.now()));
      if (dropped > 0) logger.error({ dropped }, `discord: stopped with ${dropped} likes not enqueued (Redis unreachable); counted in flattr_likes_dropped_total{reason="shutdown"}`);
    },
    async idle() {
      const current = running;
      if (!current) return;
      await current.listening();
      await current.likes.idle();
    },
    send: createDiscordSender(() => running?.client.rest),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}

function whenReady(client: Client, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, () => resolve());
    timer = setTimeout(() => reject(new DiscordStartError('DISCORD_NOT_READY', `Discord gateway not ready after ${timeoutMs} ms: check the network and DISCORD_API_URL`)), timeoutMs);
  }).finally(() => clearTimeout(timer));
  promise.catch(() => undefined);
  return { promise, cancel: () => clearTimeout(timer) };
}
