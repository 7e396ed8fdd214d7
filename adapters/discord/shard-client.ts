import { Events, type Client, type Interaction } from 'discord.js';
import type { Logger } from '../../src/support/logger.js';
import { createDiscordClient, onRawDispatch, type DiscordClientConfig, type RawDispatch, type ShardSpec } from './client.js';
import { DiscordStartError } from './discord-start-error.js';
import { registerCommands, type CommandScope } from './register-commands.js';

export type ShardClientDeps = {
  config: DiscordClientConfig & { applicationId: string; commandScope: CommandScope };
  shard: ShardSpec;
  logger: Logger;
  readyTimeoutMs: number;
  onDispatch(packet: RawDispatch, shardId: number): void;
  onInteraction(interaction: Interaction): void;
};

export type ShardClient = {
  client: Client;
  ready: Promise<void>;
  /** Closes the shard's connection for good (its lease is lost or the adapter stops). */
  stop(): Promise<void>;
};

/**
 * Connects one gateway shard: reactions (raw dispatches) and slash commands
 * (interactions) of the shard's guilds arrive here, so both follow the
 * shard's lease. `ready` resolves once the shard is READY and, in guild
 * scope, /flattr is registered in its guilds.
 */
export function startShardClient(deps: ShardClientDeps): ShardClient {
  const { config, logger } = deps;
  const client = createDiscordClient(config, deps.shard);
  let stopping = false;
  onRawDispatch(client, deps.onDispatch);
  client.on(Events.InteractionCreate, deps.onInteraction);
  client.on(Events.GuildCreate, (guild) => {
    if (config.commandScope === 'guild') void registerCommands(client.rest, config.applicationId, logger, guild.id);
  });
  // discord.js reports its own destroy() as a reconnect too.
  client.on(Events.ShardReconnecting, (shard) => stopping || logger.info({ shard }, 'discord: gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'discord: gateway resumed'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ shard, code: event.code }, 'discord: gateway closed for good'));
  // Without an 'error' listener an EventEmitter error would crash the process.
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord: client error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'discord: client warning'));
  const ready = (async () => {
    const isReady = whenReady(client, deps.readyTimeoutMs);
    try {
      await client.login(config.token);
    } catch (error) {
      isReady.cancel();
      throw new DiscordStartError('DISCORD_LOGIN_FAILED', `Discord login failed (${String(error)}): check DISCORD_TOKEN and DISCORD_API_URL`, { cause: error });
    }
    await isReady.promise;
    if (config.commandScope === 'guild') await Promise.all(client.guilds.cache.map((g) => registerCommands(client.rest, config.applicationId, logger, g.id)));
  })();
  ready.catch(() => undefined);
  return {
    client, ready,
    async stop() {
      stopping = true;
      await client.destroy();
    },
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
