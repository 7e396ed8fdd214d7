import { Routes, SimpleIdentifyThrottler, type Interaction, type REST } from 'discord.js';
import type { Config } from '../../src/config.js';
import type { AdapterContext, PlatformAdapter } from '../../src/adapters/port.js';
import { createRedis } from '../../src/support/redis.js';
import type { RetryBufferOptions } from '../../src/support/retry-buffer.js';
import { createAuthorLookup } from './author-lookup.js';
import { createDiscordRest, type RawDispatch } from './client.js';
import { DiscordStartError } from './discord-start-error.js';
import { stopMalformed } from './guard-dispatch.js';
import { createInteractionHandler } from './interactions.js';
import { createLikeBuffer } from './like-buffer.js';
import { createReactionListener } from './listen-reactions.js';
import { ReactionIndex } from './reaction-index.js';
import { registerCommands, type CommandScope } from './register-commands.js';
import { gatewayBotSchema } from './schema.js';
import { createDiscordSender, type DiscordNotice } from './send.js';
import { startShardClient, type ShardClient } from './shard-client.js';
import { createShardLeases, type ShardLeaseOptions, type ShardLeases } from './shard-leases.js';

export type DiscordConfig = Omit<NonNullable<Config['discord']>, 'commandScope'> & { commandScope?: CommandScope };
export type DiscordAdapter = PlatformAdapter & {
  /** Resolves once every reaction received so far is enqueued or ignored (tests, graceful stop). */
  idle(): Promise<void>;
  /** The send half: a notice to a channel or a DM (for the notify worker). */
  send(notice: DiscordNotice): Promise<{ channel: string; id: string }>;
};

export type DiscordAdapterOptions = {
  /** Where the gateway shard leases live: the hub's Redis and its QUEUE_PREFIX. */
  redis: { url: string; prefix: string };
  /** Lease timings (defaults: ttl 20 s, renewed every 5 s, free shards tried every 3 s). */
  shardLease?: ShardLeaseOptions;
  readyTimeoutMs?: number;
  deferAfterMs?: number;
  /** The buffer that holds likes while the likes queue is unreachable (defaults: 10,000 likes, 1 h, backoff 100 ms to 30 s). */
  likeBuffer?: RetryBufferOptions;
  /** How long stop() may wait for held likes to be enqueued before it counts them as dropped. */
  stopTimeoutMs?: number;
};

/** stop() gives held likes this long to reach the queue: a hub asked to stop must stop within seconds. */
const STOP_TIMEOUT_MS = 5_000;

type Running = { started: Promise<void>; rest: REST; idle(): Promise<void>; teardown(): Promise<void> };

/**
 * Discord: reactions in guilds become LikeEvents, `/flattr` answers
 * ephemerally. With several api processes, each gateway shard is connected
 * by the one process holding its lease (shard-leases.ts); the others stand
 * by to take it over. start() resolves once the shards this process could
 * take are ready (at once when another process holds them all) and the
 * command is registered; start and stop are idempotent.
 */
export function createDiscordAdapter(config: DiscordConfig, ctx: AdapterContext, options: DiscordAdapterOptions): DiscordAdapter {
  const logger = ctx.logger.child({ adapter: 'discord' });
  const scope = config.commandScope ?? 'global';
  let running: Running | undefined;

  const boot = (): Running => {
    const rest = createDiscordRest(config);
    const index = new ReactionIndex();
    const likes = createLikeBuffer('discord', ctx, logger, options.likeBuffer);
    const shards = new Map<number, ShardClient>();
    const reactions = createReactionListener({
      ctx: { ...ctx, logger }, enqueue: (event) => likes.push(event), lookupAuthor: createAuthorLookup(rest, index), index,
      selfId: () => [...shards.values()].find((s) => s.client.user)?.client.user?.id,
    });
    const onDispatch = (packet: RawDispatch, shard: number) => {
      if (!stopMalformed(packet, (details) => ctx.ignore('discord', 'malformed_dispatch', details))) reactions.onDispatch(packet, shard);
    };
    const answer = createInteractionHandler({ chat: { db: ctx.db, now: ctx.now, logger, money: ctx.money, publicUrl: ctx.publicUrl, payments: ctx.payments }, ignore: ctx.ignore, deferAfterMs: options.deferAfterMs });
    const onInteraction = (interaction: Interaction) => {
      answer(interaction).catch((error: unknown) => logger.error({ err: error }, 'discord: interaction failed'));
    };
    // Its own connection, failing fast: a renewal stuck in an offline queue would outlive the lease.
    const redis = createRedis(options.redis.url, { maxRetriesPerRequest: 1, commandTimeout: 2_000, connectionName: 'flattr-discord-shards' });
    redis.on('error', () => {}); // the lease rounds log what failed
    let leases: ShardLeases | undefined;
    let throttler: SimpleIdentifyThrottler | undefined;

    const connect = (shard: number, shardCount: number) => {
      const client = startShardClient({
        config: { ...config, commandScope: scope }, shard: { id: shard, count: shardCount, identifyThrottler: throttler! }, logger,
        readyTimeoutMs: options.readyTimeoutMs ?? 30_000, onDispatch, onInteraction,
      });
      shards.set(shard, client);
      client.ready.then(
        () => logger.info({ shard, shardCount, guilds: client.client.guilds.cache.size }, 'discord: gateway shard connected'),
        (error: unknown) => {
          logger.error({ err: error, shard }, 'discord: gateway shard did not connect; giving its lease up');
          void leases?.drop(shard);
        },
      );
    };
    const disconnect = async (shard: number) => {
      const client = shards.get(shard);
      shards.delete(shard);
      await client?.stop();
    };

    const started = (async () => {
      const gateway = await fetchGateway(rest);
      throttler = new SimpleIdentifyThrottler(gateway.session_start_limit.max_concurrency);
      leases = createShardLeases({ redis, prefix: options.redis.prefix, logger, onAcquired: connect, onLost: disconnect }, gateway.shards, options.shardLease);
      const mine = await leases.start();
      await Promise.all(mine.map((shard) => shards.get(shard)?.ready));
      if (scope === 'global') await registerCommands(rest, config.applicationId, logger);
      if (mine.length > 0) logger.info({ shards: mine, shardCount: leases.shardCount }, 'discord: connected');
      else logger.info({ shardCount: leases.shardCount }, 'discord: holding no gateway shard (other processes hold them, or Redis is unreachable); standing by to take one over');
    })();

    let tornDown: Promise<void> | undefined;
    // Bounded: with Redis gone, a lease release or a like that cannot be enqueued within the time is given up, never waited for.
    const teardown = () => tornDown ??= (async () => {
      const deadline = Date.now() + (options.stopTimeoutMs ?? STOP_TIMEOUT_MS);
      const left = () => Math.max(0, deadline - Date.now());
      // Gateway connections close first, then the leases go (an unreleased one expires after its ttl).
      await Promise.race([leases?.stop(), sleep(left())]);
      await Promise.all([...shards.keys()].map(disconnect));
      await Promise.race([reactions.idle(), sleep(left())]);
      const dropped = await likes.close(left());
      if (dropped > 0) logger.error({ dropped }, `discord: stopped with ${dropped} likes not enqueued (Redis unreachable); counted in flattr_likes_dropped_total{reason="shutdown"}`);
      redis.disconnect();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    })();

    return {
      started, rest, teardown,
      async idle() {
        await reactions.idle();
        await likes.idle();
      },
    };
  };

  return {
    name: 'discord',
    start() {
      if (!running) {
        const current = boot();
        running = current;
        // A failed start leaves nothing behind (no connection, no lease), so a later start may try again.
        current.started.catch(async () => {
          if (running === current) running = undefined;
          await current.teardown();
        });
      }
      return running.started;
    },
    async stop() {
      const current = running;
      if (!current) return;
      running = undefined;
      await current.started.catch(() => undefined);
      await current.teardown();
    },
    idle: () => running?.idle() ?? Promise.resolve(),
    send: createDiscordSender(() => running?.rest),
  };
}

/** GET /gateway/bot: the first call with the token, so a wrong one fails here, before any lease is taken. */
async function fetchGateway(rest: REST) {
  try {
    return gatewayBotSchema.parse(await rest.get(Routes.gatewayBot()));
  } catch (error) {
    throw new DiscordStartError('DISCORD_LOGIN_FAILED', `Discord login failed (${String(error)}): check DISCORD_TOKEN and DISCORD_API_URL`, { cause: error });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
