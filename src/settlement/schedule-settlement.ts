import type { Queue } from 'bullmq';
import { periodClosePattern } from './period-close.js';
import { SETTLE_JOB } from './settle-jobs.js';

/**
 * Registers the monthly period-close job scheduler, whose job starts the
 * catch-up that settles every due closed period (enqueue-catch-up.ts). Upserting by a fixed id
 * means any number of starting processes leave exactly one
 * (docs/contracts.md, Queues); a changed grace or zone replaces the pattern.
 */
export async function schedulePeriodClose(queue: Queue, options: { timeZone: string; graceMinutes: number }): Promise<void> {
  await queue.upsertJobScheduler(
    SETTLE_JOB.periodClose,
    { pattern: periodClosePattern(options.graceMinutes), tz: options.timeZone },
    { name: SETTLE_JOB.periodClose, data: {}, opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } } },
  );
}
