import { periodOf, previousPeriod, type Period } from '../domain/period.js';

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
