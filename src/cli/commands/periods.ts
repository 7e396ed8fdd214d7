import { periodOf } from '../../domain/period.js';
import { QUEUES } from '../../queues.js';
import type { Runtime } from '../../runtime.js';
import { listPeriods } from '../../settlement/list-periods.js';
import { settleableAt } from '../../settlement/period-guard.js';
import { periodStatuses, type PeriodWithStatus } from '../../settlement/period-status.js';
import { settlementSettings } from '../../settlement/settings-from-config.js';
import { out, toJson } from '../output.js';
import { formatWhen, plural } from '../settlement-format.js';

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
  const { periods, due } = await periodStatuses(rows, () => runtime.queue(QUEUES.settle), { ...settings, now });
  const listed = periods.reverse();
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

function describe(r: PeriodWithStatus, timeZone: string, now: Date): string {
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
