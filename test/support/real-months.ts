import { periodOf, periodStart, previousPeriod } from '../../src/domain/period.js';

/**
 * The month the real clock is in and the one before, for worlds that a real
 * `flattr` command or hub reads with its own clock (a child process takes no
 * injected one): likes dated in `current` count this month, those in
 * `previous` in the month before (money rule 2), whatever day the suite runs.
 */
export function realMonths(now = new Date(), timeZone = 'UTC') {
  const current = periodOf(now, timeZone);
  const previous = previousPeriod(current);
  return {
    current, previous,
    /** An ISO instant `hours` into `period`, but never after now: a like from the future is refused. */
    at(period: string, hours: number): string {
      return new Date(Math.min(periodStart(period, timeZone).getTime() + hours * 3_600_000, now.getTime())).toISOString();
    },
    /** How the pages name a month: "October 2026". */
    monthName(period: string, locale = 'en-GB'): string {
      return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone }).format(periodStart(period, timeZone));
    },
  };
}
