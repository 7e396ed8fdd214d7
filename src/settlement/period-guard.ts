import { parsePeriod, periodEnd } from '../domain/period.js';
import { PeriodNotEndedError } from './errors.js';

/**
 * Refuses a malformed period (InvalidInputError) or one that has not ended in
 * SETTLEMENT_TZ plus the grace for late events (PeriodNotEndedError), before
 * anything is written.
 */
export function assertPeriodEnded(raw: string, settings: { timeZone: string; graceMinutes: number }, now: Date): string {
  const period = parsePeriod(raw);
  const settleableFrom = new Date(periodEnd(period, settings.timeZone).getTime() + settings.graceMinutes * 60_000);
  if (now < settleableFrom) throw new PeriodNotEndedError(period, settleableFrom, settings.timeZone, settings.graceMinutes);
  return period;
}
