import { describe, expect, it } from 'vitest';
import { nextSettlement } from '../../src/settlement/next-settlement.js';

const next = (now: string, timeZone: string, grace: number) => {
  const n = nextSettlement(new Date(now), timeZone, grace);
  return { period: n.period, at: n.at.toISOString() };
};

/** When the period-close scheduler fires next: its cron pattern read on the zone's wall clock, as BullMQ reads it. */
describe('nextSettlement', () => {
  it('is the grace after the month ends, for the month that just ended', () => {
    expect(next('2026-11-15T12:00:00Z', 'UTC', 60)).toEqual({ period: '2026-11', at: '2026-12-01T01:00:00.000Z' });
    // Within the grace the month that ended is still to come; at the very instant it fires, the next one is.
    expect(next('2026-12-01T00:59:59.999Z', 'UTC', 60)).toEqual({ period: '2026-11', at: '2026-12-01T01:00:00.000Z' });
    expect(next('2026-12-01T01:00:00.000Z', 'UTC', 60)).toEqual({ period: '2026-12', at: '2027-01-01T01:00:00.000Z' });
    expect(next('2026-12-31T23:00:00Z', 'UTC', 0)).toEqual({ period: '2026-12', at: '2027-01-01T00:00:00.000Z' });
  });

  it('reads the time in SETTLEMENT_TZ, a grace of days included', () => {
    // 25 hours: 01:00 on the 2nd in Paris (UTC+1 in winter).
    expect(next('2026-11-15T12:00:00Z', 'Europe/Paris', 1500)).toEqual({ period: '2026-11', at: '2026-12-02T00:00:00.000Z' });
    expect(next('2026-06-10T00:00:00Z', 'Asia/Kolkata', 60)).toEqual({ period: '2026-06', at: '2026-06-30T19:30:00.000Z' });
    expect(next('2026-06-10T00:00:00Z', 'UTC', 7 * 24 * 60)).toEqual({ period: '2026-06', at: '2026-07-08T00:00:00.000Z' });
  });

  it('fires at the wall-clock time across a change of the clocks, not at end plus grace', () => {
    // New York falls back at 02:00 on Sunday 1 November 2026: 03:00 EST is 08:00Z, four hours after the
    // month ended at 04:00Z (00:00 EDT), although the grace is three.
    expect(next('2026-10-20T00:00:00Z', 'America/New_York', 180)).toEqual({ period: '2026-10', at: '2026-11-01T08:00:00.000Z' });
    // Santiago skips from 00:00 to 01:00 on Sunday 2 September 2029: no 00:00 that day, so the scheduler
    // next fires on 2 October (the catch-up then settles every closed month still waiting).
    expect(next('2029-08-20T00:00:00Z', 'America/Santiago', 1440)).toEqual({ period: '2029-09', at: '2029-10-02T03:00:00.000Z' });
  });
});
