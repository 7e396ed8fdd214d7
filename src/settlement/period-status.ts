import type { Queue } from 'bullmq';
import type { PeriodRow } from './list-periods.js';
import { duePeriods, lastClosedPeriod } from './period-close.js';
import { settleJobId } from './settle-jobs.js';

export type PeriodStatus = 'open' | 'closed-waiting' | 'closed' | 'running' | 'failed' | 'interrupted' | 'settled';
export type SettleJobState = { state: string; reason?: string };
export type PeriodWithStatus = PeriodRow & { status: PeriodStatus; reason?: string };

/**
 * What `flattr periods` and the operator pages call a period: open (still
 * taking likes), closed-waiting (closed, flattrs pending, no run yet),
 * closed (nothing to settle), running, failed or interrupted (its run is not
 * finished and its job failed or is gone), settled. Redis is asked only
 * about runs that are not finished. Oldest first, as listPeriods gives them.
 */
export async function periodStatuses(
  rows: PeriodRow[], settle: () => Promise<Queue>, o: { policy: 'keep' | 'charity'; timeZone: string; graceMinutes: number; now: Date },
): Promise<{ periods: PeriodWithStatus[]; due: Set<string> }> {
  const due = new Set(duePeriods(rows, { policy: o.policy, lastClosed: lastClosedPeriod(o.now, o.timeZone, o.graceMinutes) }));
  const jobs = rows.some((r) => r.run?.status === 'running') ? await settleJobStates(await settle(), rows) : new Map<string, SettleJobState>();
  return { periods: rows.map((r) => ({ ...r, ...periodStatus(r, due, jobs.get(r.period)) })), due };
}

function periodStatus(r: PeriodRow, due: Set<string>, job?: SettleJobState): { status: PeriodStatus; reason?: string } {
  if (!r.run) return { status: !r.closed ? 'open' : due.has(r.period) ? 'closed-waiting' : 'closed' };
  if (r.run.status === 'settled') return { status: 'settled' };
  if (job?.state === 'failed') return { status: 'failed', reason: job.reason };
  if (!job || job.state === 'completed' || job.state === 'unknown') return { status: 'interrupted', reason: 'no settle job is working on it' };
  return { status: 'running', reason: job.state };
}

async function settleJobStates(queue: Queue, rows: PeriodRow[]): Promise<Map<string, SettleJobState>> {
  const states = new Map<string, SettleJobState>();
  for (const r of rows.filter((x) => x.run?.status === 'running')) {
    const job = await queue.getJob(settleJobId(r.period));
    states.set(r.period, job ? { state: await job.getState(), reason: job.failedReason || undefined } : { state: 'unknown' });
  }
  return states;
}
