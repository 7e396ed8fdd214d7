import type { Redis } from 'ioredis';
import type { Db } from '../../../src/db/database.js';
import { appRequestsLeft } from './app-budget.js';
import { claimDueIdentities, countPollable, resetUnpollable } from './due-identities.js';
import type { PollMetrics } from './poll-metrics.js';
import { pollCapacity, pollsPerTick, type PollSettings } from './poll-settings.js';

export type TickDeps = {
  db: Db;
  redis: Redis;
  prefix: string;
  settings: PollSettings;
  metrics: PollMetrics;
  /** Queues one supporter's poll (the x-poll queue; job id per identity, so one at a time). */
  enqueuePoll(identityId: number): Promise<void>;
  now(): Date;
};

/** How long a claimed identity waits for its poll job before the tick may claim it again. */
const LEASE_SECONDS = 600;

/**
 * The x-poll-tick job: one repeatable job for every supporter, not a timer or
 * a scheduler per supporter. Each tick starts the polls that are due, oldest
 * last poll first, at most the app's rate over one tick and never beyond what
 * is left of the app's window; per-supporter times live in x_poll_state, so
 * any worker process can run the tick and a restart loses nothing.
 */
export async function pollTick(deps: TickDeps): Promise<{ started: number[]; supporters: number; capacity: number }> {
  const now = deps.now();
  const supporters = await countPollable(deps.db);
  const capacity = pollCapacity(deps.settings);
  deps.metrics.supporters.set(supporters);
  deps.metrics.capacity.set(capacity);
  await resetUnpollable(deps.db);
  const left = await appRequestsLeft(deps.redis, deps.prefix, deps.settings, now.getTime());
  const started = await claimDueIdentities(deps.db, {
    now, limit: Math.min(pollsPerTick(deps.settings), left), leaseUntil: new Date(now.getTime() + LEASE_SECONDS * 1000),
  });
  for (const identityId of started) await deps.enqueuePoll(identityId);
  return { started, supporters, capacity };
}
