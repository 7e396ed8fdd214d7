import { nextPeriod, periodOf, previousPeriod, type Period } from '../domain/period.js';
import { periodClosePattern } from './period-close.js';

export type NextSettlement = { period: Period; at: Date };

/**
 * When the period-close job scheduler (schedulePeriodClose) fires next after
 * `now`, and the period that has then just ended: the scheduler's own cron
 * pattern (periodClosePattern) read as wall-clock time in the zone, as
 * BullMQ reads it. Across a DST change in the grace this differs from the
 * period's end plus grace by the hour the clocks moved.
 */
export function nextSettlement(now: Date, timeZone: string, graceMinutes: number): NextSettlement {
  const [minute, hour, day] = periodClosePattern(graceMinutes).split(' ').map(Number) as [number, number, number];
  for (let month = periodOf(now, timeZone), tries = 0; tries < 3; month = nextPeriod(month), tries += 1) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const at = wallClockInstant(timeZone, y, m, day, hour, minute);
    if (at && at > now) return { period: previousPeriod(month), at };
  }
  throw new Error(`no period close after ${now.toISOString()} in ${timeZone}`);
}

/**
 * The instant a wall-clock time names in a zone: the first, when the clocks
 * go back over it; none when they skip it, and then the cron scheduler does
 * not fire that month (America/Santiago moves from 00:00 to 01:00). Checked
 * against BullMQ's cron parser on 16 zones over 2024-2035: the one difference
 * is a time repeated at midnight (America/Havana), where it takes the second.
 */
function wallClockInstant(timeZone: string, y: number, m: number, d: number, h: number, min: number): Date | undefined {
  const naive = Date.UTC(y, m - 1, d, h, min);
  // The zone's offsets a day either side cover every change of the clocks near this time.
  const offsets = new Set([offsetMs(naive - 86_400_000, timeZone), offsetMs(naive + 86_400_000, timeZone)]);
  const exact = [...offsets].map((o) => naive - o).filter((t) => offsetMs(t, timeZone) === naive - t);
  return exact.length ? new Date(Math.min(...exact)) : undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetMs(instant: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - Math.floor(instant / 60_000) * 60_000;
}
