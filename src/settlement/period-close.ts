import { periodOf, previousPeriod, type Period } from '../domain/period.js';
import type { UnspentPolicy } from '../domain/split.js';
import type { PeriodRow } from './list-periods.js';

/**
 * The most recent period whose end plus grace has passed at `now`: what the
 * monthly period-close job settles.
 */
export function lastClosedPeriod(now: Date, timeZone: string, graceMinutes: number): Period {
  return previousPeriod(periodOf(new Date(now.getTime() - graceMinutes * 60_000), timeZone));
}

/**
 * A cron pattern (read in SETTLEMENT_TZ by BullMQ) firing once a month when
 * the grace after midnight of the 1st has passed: grace 60 → "0 1 1 * *".
 * Grace is at most 7 days (config), so the day stays within 1..8.
 */
export function periodClosePattern(graceMinutes: number): string {
  const day = 1 + Math.floor(graceMinutes / 1440);
  const hour = Math.floor((graceMinutes % 1440) / 60);
  const minute = graceMinutes % 60;
  return `${minute} ${hour} ${day} * *`;
}

/**
 * The closed periods the period-close job settles, oldest first: those with
 * active flattrs and no run, and those whose run is unfinished (a crash, a
 * failure). Under UNSPENT_POLICY=charity the last closed period is settled
 * even with no flattr, as budgets then go to charity (money rule 5); older
 * months without flattrs are not reopened.
 *
 * Oldest first, one at a time: rule 2 already freezes the flattrs of every
 * month older than the previous one (their late likes count in an open
 * month), so the order is the wallets': each supporter pays the months in
 * the order they happened, as a hub that never stopped would have, and two
 * runs never charge the same wallets at once.
 */
export function duePeriods(rows: PeriodRow[], o: { policy: UnspentPolicy; lastClosed: Period }): Period[] {
  const due = rows.filter((r) => r.closed && (r.run ? r.run.status === 'running' : r.pending.flattrs > 0)).map((r) => r.period);
  if (o.policy === 'charity' && !due.includes(o.lastClosed) && !rows.some((r) => r.period === o.lastClosed && r.run)) due.push(o.lastClosed);
  return due.sort();
}
