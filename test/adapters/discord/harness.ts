import type { AdapterContext } from '../../../src/adapters/port.js';
import type { Db } from '../../../src/db/database.js';
import type { LikeEvent } from '../../../src/domain/like-event.js';
import { createLogger } from '../../../src/support/logger.js';
import { createMetrics } from '../../../src/support/metrics.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/index.js';
import { FakeDiscord, type FakeDiscordOptions } from '../../fakes/discord/fake-discord.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';

export type Recorded = { events: LikeEvent[]; ignored: { reason: string; details?: Record<string, unknown> }[] };

/**
 * The real Discord adapter on a fake Discord, with a context that records
 * what it emits and ignores (no queue; a database only for commands).
 */
export async function startDiscordHarness(options: { now?: () => Date; commandScope?: 'global' | 'guild'; db?: Db; deferAfterMs?: number; fake?: FakeDiscordOptions } = {}) {
  const fake = await FakeDiscord.start({ heartbeatInterval: 250, ...options.fake });
  const recorded: Recorded = { events: [], ignored: [] };
  const ctx: AdapterContext = {
    emitLike: async (event) => void recorded.events.push(event),
    ignore: (_platform, reason, details) => void recorded.ignored.push({ reason, details }),
    db: options.db ?? (undefined as never),
    cipher: undefined as never,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    publicUrl: 'http://localhost:3000',
    now: options.now ?? (() => new Date()),
  };
  const adapter: DiscordAdapter = createDiscordAdapter(
    { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, commandScope: options.commandScope }, ctx,
    { redis: { url: TEST_REDIS_URL, prefix: randomQueuePrefix() }, readyTimeoutMs: 10_000, deferAfterMs: options.deferAfterMs },
  );
  return {
    fake, adapter, recorded,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}
