import { parsePeriod, periodEnd, periodStart } from '../domain/period.js';
import { PeriodNotEndedError, PeriodNotStartedError } from './errors.js';

/**
 * Refuses a malformed period (InvalidInputError) or one that has not ended in
 * SETTLEMENT_TZ plus the grace for late events (PeriodNotEndedError), before
 * anything is written.
 */
export function assertPeriodEnded(raw: string, settings: { timeZone: string; graceMinutes: number }, now: Date): string {
  const period = parsePeriod(raw);
  const settleableFrom = settleableAt(period, settings);
  if (now < settleableFrom) throw new PeriodNotEndedError(period, settleableFrom, settings.timeZone, settings.graceMinutes);
  return period;
}

/**
 * Refuses a malformed period or one that has not begun: a preview (`settle
 * --dry-run`, `report` of an open period) may look at the current month, but
 * a month to come holds nothing yet.
 */
export function assertPeriodStarted(raw: string, settings: { timeZone: string }, now: Date): string {
  const period = parsePeriod(raw);
  const starts = periodStart(period, settings.timeZone);
  if (now < starts) throw new PeriodNotStartedError(period, starts, settings.timeZone);
  return period;
}

/** When a period may be settled: its end in SETTLEMENT_TZ plus the grace for late likes. */
export function settleableAt(period: string, settings: { timeZone: string; graceMinutes: number }): Date {
  return new Date(periodEnd(period, settings.timeZone).getTime() + settings.graceMinutes * 60_000);
}
