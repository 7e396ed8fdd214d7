import { InvalidInputError } from './errors.js';

/** A settlement period: a calendar month in SETTLEMENT_TZ, written YYYY-MM. */
export type Period = string;

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parsePeriod(raw: string, field = 'period'): Period {
  if (!PERIOD_RE.test(raw)) throw new InvalidInputError(field, `"${raw}" is not a period: write YYYY-MM, e.g. 2026-11`);
  return raw;
}

// Building an Intl formatter costs far more than using one, and ingest asks for every like.
const monthFormatters = new Map<string, Intl.DateTimeFormat>();
function monthFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = monthFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
    monthFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The period an instant falls in, read in the given IANA time zone. */
export function periodOf(instant: Date, timeZone: string): Period {
  const parts = monthFormatter(timeZone).formatToParts(instant);
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = parts.find((p) => p.type === 'month')!.value;
  return `${year}-${month}`;
}

export function nextPeriod(period: Period): Period {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function previousPeriod(period: Period): Period {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The first instant of a period in the given zone (handles DST and odd offsets). */
export function periodStart(period: Period, timeZone: string): Date {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const naiveUtc = Date.UTC(y, m - 1, 1);
  // Midnight local = UTC midnight minus the zone's offset at that moment; the
  // offset can differ on either side of the instant, so settle it twice.
  let guess = naiveUtc - offsetMs(new Date(naiveUtc), timeZone);
  guess = naiveUtc - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** The instant a period ends (exclusive): the start of the next one. */
export function periodEnd(period: Period, timeZone: string): Date {
  return periodStart(nextPeriod(period), timeZone);
}

function offsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** How far ahead of the hub's clock a like may be dated (clock skew); later than that it is invalid (money rule 2). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export function isTooFarInFuture(occurredAt: Date, now: Date): boolean {
  return occurredAt.getTime() - now.getTime() > MAX_FUTURE_SKEW_MS;
}

/**
 * Money rule 2: the period a like counts in, so that no flattr ever lands in
 * a period that will not be settled. Its own period while that one has not
 * started settling and is the current or the previous one (or the next, for
 * a like a few minutes ahead at a month's turn); otherwise the oldest of the
 * previous and current periods that has not started settling.
 */
export function countingPeriod(own: Period, current: Period, started: ReadonlySet<Period>): Period {
  const previous = previousPeriod(current);
  if (own >= previous && !started.has(own)) return own;
  if (!started.has(previous)) return previous;
  // Past the current period only if an operator settled it early: the next open one.
  let p = current;
  while (started.has(p)) p = nextPeriod(p);
  return p;
}
