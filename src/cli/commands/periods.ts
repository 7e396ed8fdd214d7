import { periodOf } from '../../domain/period.js';
import { QUEUES } from '../../queues.js';
import type { Runtime } from '../../runtime.js';
import { listPeriods, type PeriodRow } from '../../settlement/list-periods.js';
import { duePeriods, lastClosedPeriod } from '../../settlement/period-close.js';
import { settleableAt } from '../../settlement/period-guard.js';
import { settleJobId } from '../../settlement/settle-jobs.js';
import { settlementSettings } from '../../settlement/settings-from-config.js';
import { out, toJson } from '../output.js';
import { formatWhen, plural } from '../settlement-format.js';

type Status = 'open' | 'closed-waiting' | 'closed' | 'running' | 'failed' | 'interrupted' | 'settled';
type Listed = PeriodRow & { status: Status; reason?: string };

/**
 * `flattr periods [--json]`: every period with flattrs or a run, newest
 * first: open (still taking likes), closed-waiting (closed, flattrs pending,
 * no run yet), running (its stage and progress), failed or interrupted (how
 * to resume), settled; pending flattrs and their supporters; and when the
 * next settlement runs. Redis is asked only about runs that are not finished.
 */
export async function periodsCommand(runtime: Runtime, o: { json?: boolean }): Promise<number> {
  const settings = settlementSettings(runtime.config);
  const now = new Date();
  const { prisma } = await runtime.db();
  const rows = await listPeriods(prisma, settings, now);
  const due = new Set(duePeriods(rows, { policy: settings.policy, lastClosed: lastClosedPeriod(now, settings.timeZone, settings.graceMinutes) }));
  const jobs = rows.some((r) => r.run?.status === 'running') ? await jobStates(runtime, rows) : new Map<string, { state: string; reason?: string }>();
  const listed: Listed[] = rows.map((r) => ({ ...r, ...statusOf(r, due, jobs.get(r.period)) })).reverse();
  // Due and nobody on it: what a catch-up (or an operator) has to start, oldest first.
  const waiting = listed.filter((r) => due.has(r.period) && r.status !== 'running').map((r) => r.period).reverse();
  const nextOpen = periodOf(new Date(now.getTime() - settings.graceMinutes * 60_000), settings.timeZone);
  const next = { period: nextOpen, at: settleableAt(nextOpen, settings) };
  if (o.json) {
    out(toJson({ periods: listed, waiting, next }));
    return 0;
  }
  for (const r of listed) out(`${r.period}  ${describe(r, settings.timeZone, now)}`);
  if (waiting.length) {
    out(`waiting: ${waiting.join(', ')} (oldest first): a worker hub settles them when it starts and at each period close, or run "flattr settle --period ${waiting[0]}"`);
  }
  out(`next period close: ${next.period} at ${formatWhen(next.at, settings.timeZone)}`);
  return 0;
}

function statusOf(r: PeriodRow, due: Set<string>, job?: { state: string; reason?: string }): { status: Status; reason?: string } {
  if (!r.run) return { status: !r.closed ? 'open' : due.has(r.period) ? 'closed-waiting' : 'closed' };
  if (r.run.status === 'settled') return { status: 'settled' };
  if (job?.state === 'failed') return { status: 'failed', reason: job.reason };
  if (!job || job.state === 'completed' || job.state === 'unknown') return { status: 'interrupted', reason: 'no settle job is working on it' };
  return { status: 'running', reason: job.state };
}

function describe(r: Listed, timeZone: string, now: Date): string {
  const pending = `${plural(r.pending.flattrs, 'pending flattr')} from ${plural(r.pending.supporters, 'supporter')}`;
  const run = r.run;
  switch (r.status) {
    case 'open': return `open until ${formatWhen(r.closesAt, timeZone)}: ${pending}`;
    case 'closed-waiting': return `closed-waiting: ${pending}, no run yet`;
    case 'closed': return 'closed: nothing to settle';
    case 'settled': return `settled ${run!.finishedAt ? formatWhen(run!.finishedAt, timeZone, now) : ''}: ${plural(run!.flattrs, 'flattr')} from ${plural(run!.supporters, 'supporter')}`;
    case 'running': return `running (${run!.stage === 'open' ? 'opening' : `${run!.settled} of ${plural(run!.supporters, 'supporter')} settled`}, job ${r.reason}, started ${formatWhen(run!.startedAt, timeZone, now)})`;
    default: return `${r.status}: ${r.reason ?? 'unknown reason'}; "flattr settle --period ${r.period}" resumes it (${run!.settled} of ${plural(run!.supporters, 'supporter')} settled)`;
  }
}

async function jobStates(runtime: Runtime, rows: PeriodRow[]): Promise<Map<string, { state: string; reason?: string }>> {
  const queue = await runtime.queue(QUEUES.settle);
  const states = new Map<string, { state: string; reason?: string }>();
  for (const r of rows.filter((x) => x.run?.status === 'running')) {
    const job = await queue.getJob(settleJobId(r.period));
    states.set(r.period, job ? { state: await job.getState(), reason: job.failedReason || undefined } : { state: 'unknown' });
  }
  return states;
}
