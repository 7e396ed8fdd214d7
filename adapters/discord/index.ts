import { Events, type Client } from 'discord.js';
import type { Config } from '../../src/config.js';
import type { AdapterContext, PlatformAdapter } from '../../src/adapters/port.js';
import { createAuthorLookup } from './author-lookup.js';
import { createDiscordClient, onRawDispatch } from './client.js';
import { DiscordStartError } from './discord-start-error.js';
import { stopMalformed } from './guard-dispatch.js';
import { createInteractionHandler } from './interactions.js';
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

type Running = { client: Client; started: Promise<void>; idle(): Promise<void> };

/**
 * Discord: reactions in guilds become LikeEvents, `/flattr` answers
 * ephemerally. start() resolves when the gateway is ready and the command is
 * registered; start and stop are idempotent.
 */
export function createDiscordAdapter(config: DiscordConfig, ctx: AdapterContext, options: { readyTimeoutMs?: number; deferAfterMs?: number } = {}): DiscordAdapter {
  const logger = ctx.logger.child({ adapter: 'discord' });
  let running: Running | undefined;

  const boot = (): Running => {
    const client = createDiscordClient(config);
    const index = new ReactionIndex();
    const reactions = createReactionListener({ ctx: { ...ctx, logger }, selfId: () => client.user?.id, lookupAuthor: createAuthorLookup(client.rest, index), index });
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
    return { client, started, idle: reactions.idle };
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
      await current.idle();
      await current.client.destroy();
    },
    idle: () => running?.idle() ?? Promise.resolve(),
    send: createDiscordSender(() => running?.client.rest),
  };
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
