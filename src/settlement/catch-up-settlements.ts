import type { Queue } from 'bullmq';
import type { Db } from '../db/database.js';
import { enqueueSettlement, isInProgress } from './enqueue-settlement.js';
import { listPeriods } from './list-periods.js';
import type { SettlementSettings } from './open-run.js';
import { duePeriods, lastClosedPeriod } from './period-close.js';
import { settleJobId } from './settle-jobs.js';

export type CatchUpStep =
  /** Nothing closed is left to settle. */
  | { next: 'done' }
  /** `period`, the oldest due, is being settled (queued now when `queued`): look again once it may be done. */
  | { next: 'wait'; period: string; queued: boolean }
  /** The run of `period` failed after this catch-up queued it: later periods wait for it to be resumed. */
  | { next: 'blocked'; period: string; reason: string };

/** Who the settle jobs a catch-up queues say asked for them. */
export const CATCH_UP_BY = 'the period-close job';

/**
 * One step of the period-close catch-up: settles the oldest due closed
 * period (period-close.ts: duePeriods), one at a time, so a hub that was
 * down over one or several month ends catches up, oldest month first. A run
 * already going (a `flattr settle`, a resumed crash) is waited for, never
 * doubled (the job id is the period's). `started`: periods this catch-up
 * queued already; one of them failing stops the catch-up rather than retry
 * it forever (a pre-existing failed run is resumed once).
 */
export async function catchUpSettlements(
  db: Db, queue: Queue, settings: SettlementSettings, now: Date, o: { started: readonly string[] },
): Promise<CatchUpStep> {
  const due = async () => duePeriods(await listPeriods(db, settings, now, { exact: false }), {
    policy: settings.policy, lastClosed: lastClosedPeriod(now, settings.timeZone, settings.graceMinutes),
  });
  const period = (await due())[0];
  if (!period) return { next: 'done' };
  const job = await queue.getJob(settleJobId(period));
  const state = job ? await job.getState() : 'unknown';
  if (isInProgress(state)) return { next: 'wait', period, queued: false };
  if (o.started.includes(period)) {
    // The job may have finished between the two reads: only a run still due is stuck.
    if ((await due())[0] !== period) return { next: 'wait', period, queued: false };
    return { next: 'blocked', period, reason: job?.failedReason ?? `its settle job is ${state}` };
  }
  await enqueueSettlement(queue, period, { replaceCompleted: true, by: CATCH_UP_BY });
  return { next: 'wait', period, queued: true };
}
