import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { QUEUES } from '../../queues.js';
import type { SettlementSettings } from '../../settlement/open-run.js';
import { settlementSettings } from '../../settlement/settings-from-config.js';

/** What the operator pages need beyond the rest of the web: resolved once when the routes are mounted. */
export type AdminContext = {
  /** ADMIN_TOKEN: as Bearer (or a Basic password, as /admin/queues takes it) it opens the operator pages and API. */
  token: string | undefined;
  /** The settlement's slice of the configuration: dry runs and period statuses read it. */
  settlement: SettlementSettings;
  /** The settle queue, opened on first use: run states and the ledger self-check's results live in its jobs. */
  settleQueue(): Promise<Queue>;
  close(): Promise<void>;
};

/**
 * The settle queue rides on the web's own Redis connection (shared, so
 * closing the queue leaves the connection to its owner) and is opened only
 * when an operator page asks, so a hub nobody administers pays nothing.
 */
export function adminContext(o: { adminToken?: string; config: Config; redis: Redis }): AdminContext {
  let queue: Queue | undefined;
  return {
    token: o.adminToken ?? o.config.secrets.adminToken,
    settlement: settlementSettings(o.config),
    settleQueue: async () => (queue ??= new Queue(QUEUES.settle, { connection: o.redis, prefix: o.config.redis.queuePrefix })),
    close: async () => { await queue?.close(); },
  };
}
