import type { Queue } from 'bullmq';
import { periodClosePattern } from '../../settlement/period-close.js';

/** Jobs of the `topups` queue. */
export const TOPUPS_JOB = { run: 'monthly-topups-run' } as const;

/** How long after the period close the monthly top-ups run: the close has had time to settle the month that ended. */
export const MONTHLY_TOPUPS_AFTER_CLOSE_MINUTES = 300;

/**
 * The monthly top-ups, at the start of each period: five hours after the
 * period close (06:00 on the 1st in SETTLEMENT_TZ with the default hour of
 * grace), so last month's settlement has spent the wallets first and this
 * month's likes are funded before they are settled at its end. A run that
 * finds the last month unsettled waits by retrying. Upserted by a fixed id,
 * so never duplicated by several processes.
 */
export async function scheduleMonthlyTopups(queue: Queue, options: { timeZone: string; graceMinutes: number }): Promise<void> {
  const opts = { attempts: 10, backoff: { type: 'exponential', delay: 5 * 60_000 }, removeOnComplete: { count: 100 }, removeOnFail: { age: 30 * 24 * 3600 } };
  await queue.upsertJobScheduler(
    TOPUPS_JOB.run,
    { pattern: periodClosePattern(options.graceMinutes + MONTHLY_TOPUPS_AFTER_CLOSE_MINUTES), tz: options.timeZone },
    { name: TOPUPS_JOB.run, data: {}, opts },
  );
}
