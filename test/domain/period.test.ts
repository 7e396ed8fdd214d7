import { describe, expect, it } from 'vitest';
import { countingPeriod, isTooFarInFuture, nextPeriod, parsePeriod, periodEnd, periodOf, periodStart, previousPeriod } from '../../src/domain/period.js';
import { parseNdjsonLine } from '../../src/ingest/parse-ndjson-line.js';

describe('periods in SETTLEMENT_TZ', () => {
  it('puts an instant in the month of the configured zone', () => {
    const instant = new Date('2026-11-30T23:30:00Z');
    expect(periodOf(instant, 'UTC')).toBe('2026-11');
    expect(periodOf(instant, 'Europe/Paris')).toBe('2026-12');
    expect(periodOf(new Date('2026-12-01T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-11');
  });

  it('starts a period at local midnight, across DST and odd offsets', () => {
    expect(periodStart('2026-11', 'Europe/Paris').toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(periodStart('2026-04', 'Europe/Paris').toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(periodStart('2026-01', 'Asia/Kathmandu').toISOString()).toBe('2025-12-31T18:15:00.000Z');
    expect(periodEnd('2026-12', 'UTC').toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('has the last millisecond of a period inside it and its end outside', () => {
    for (const tz of ['UTC', 'Europe/Paris', 'Pacific/Auckland', 'America/St_Johns']) {
      const end = periodEnd('2026-10', tz);
      expect(periodOf(new Date(end.getTime() - 1), tz)).toBe('2026-10');
      expect(periodOf(end, tz)).toBe('2026-11');
    }
  });

  it('steps across years', () => {
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(previousPeriod('2027-01')).toBe('2026-12');
  });

  it.each(['2026-13', '2026-1', '26-11', '2026/11', ''])('refuses the malformed period %j', (raw) => {
    expect(() => parsePeriod(raw)).toThrow(/^period: .*YYYY-MM/);
  });

  it.each([
    // own period, started runs, counted in (current period 2026-12)
    ['2026-12', [], '2026-12'],
    ['2026-11', [], '2026-11'],
    ['2026-09', [], '2026-11'],
    ['2026-11', ['2026-11'], '2026-12'],
    ['2026-09', ['2026-11'], '2026-12'],
    ['2027-01', [], '2027-01'],
    ['2026-12', ['2026-11', '2026-12'], '2027-01'],
  ] as const)('counts a like of %s with runs started for %j in %s (money rule 2)', (own, started, expected) => {
    expect(countingPeriod(own, '2026-12', new Set(started))).toBe(expected);
  });

  it('allows 5 minutes of clock skew and no more, in live events and imported lines', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(isTooFarInFuture(new Date('2026-12-01T12:05:00Z'), now)).toBe(false);
    expect(isTooFarInFuture(new Date('2026-12-01T12:05:01Z'), now)).toBe(true);
    const line = (occurredAt: string) => JSON.stringify({ platform: 'slack', action: 'like', liker: 'T1:U1', author: 'T1:U2', item: 'T1:C1:1', occurredAt });
    expect(parseNdjsonLine(line('2026-12-01T12:10:00Z'), now)).toEqual({ ok: false, reason: 'occurredAt: more than 5 minutes in the future' });
    expect(parseNdjsonLine(line('2026-12-01T12:04:00Z'), now)).toMatchObject({ ok: true });
  });
});
