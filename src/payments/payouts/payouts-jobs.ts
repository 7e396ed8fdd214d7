import type { Queue } from 'bullmq';

/** Jobs of the `payouts` queue. */
export const PAYOUTS_JOB = { run: 'payouts-run', reconcile: 'payments-reconcile' } as const;

/**
 * The monthly payout run, on the 2nd at 06:00 in SETTLEMENT_TZ: after the
 * period close (an hour after the month ends by default) has had a day to
 * settle. A run that finds a settlement still going waits for it (the job
 * retries). And the daily reconciliation at 05:00, of the last two days.
 * Both upserted by a fixed id, so never duplicated by several processes.
 */
export async function schedulePayouts(queue: Queue, timeZone: string): Promise<void> {
  const opts = { attempts: 8, backoff: { type: 'exponential', delay: 5 * 60_000 }, removeOnComplete: { count: 100 }, removeOnFail: { age: 30 * 24 * 3600 } };
  await queue.upsertJobScheduler(PAYOUTS_JOB.run, { pattern: '0 6 2 * *', tz: timeZone }, { name: PAYOUTS_JOB.run, data: {}, opts });
  await queue.upsertJobScheduler(PAYOUTS_JOB.reconcile, { pattern: '0 5 * * *', tz: timeZone }, { name: PAYOUTS_JOB.reconcile, data: {}, opts });
}
