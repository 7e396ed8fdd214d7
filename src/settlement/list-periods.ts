import type { Db } from '../db/database.js';
import { periodOf } from '../domain/period.js';
import { settleableAt } from './period-guard.js';

export type PeriodRun = {
  status: 'running' | 'settled'; stage: string; startedAt: Date; finishedAt: Date | null;
  /** Frozen when the run opened. */
  supporters: number; flattrs: number;
  /** Supporters settled so far (equals `supporters` once settled). */
  settled: number;
};
export type PeriodRow = {
  period: string;
  /** Ended in SETTLEMENT_TZ plus the grace for late likes: it may be settled. */
  closed: boolean;
  closesAt: Date;
  run: PeriodRun | null;
  /**
   * Active flattrs, and their supporters, of a period with no run: what its
   * run would settle. 0 once a run exists. Without `exact`, only whether
   * there is any: flattrs 0 or 1, supporters 0.
   */
  pending: { flattrs: number; supporters: number };
};

type Row = {
  period: string; status: string | null; stage: string | null; started_at: Date | null; finished_at: Date | null;
  supporters: number | null; flattrs: number | null; settled: number | null; pending_flattrs: number; pending_supporters: number;
};

/**
 * Every period that has flattrs or a run, and the current one, oldest
 * first, with its run and what is pending. The distinct periods of `flattrs`
 * are found by walking its (period, supporter) index one period at a time,
 * so this stays a few index probes per month however many flattrs there are;
 * only periods without a run are counted, and only with `exact` (the
 * catch-up polls this while a run goes on, and needs to know only whether a
 * month has a flattr, not count the current month's millions).
 */
export async function listPeriods(
  db: Db, settings: { timeZone: string; graceMinutes: number }, now: Date, o: { exact?: boolean } = {},
): Promise<PeriodRow[]> {
  const pending = o.exact === false
    ? `SELECT count(*)::int AS flattrs, 0 AS supporters FROM (SELECT 1 FROM flattrs f WHERE f.period = x.period AND f.status = 'active' LIMIT 1) one`
    : `SELECT count(*)::int AS flattrs, count(DISTINCT f.supporter_id)::int AS supporters FROM flattrs f WHERE f.period = x.period AND f.status = 'active'`;
  const rows = await db.$queryRawUnsafe<Row[]>(
    `WITH RECURSIVE walk AS (
       (SELECT period FROM flattrs ORDER BY period LIMIT 1)
       UNION ALL
       SELECT (SELECT f.period FROM flattrs f WHERE f.period > w.period ORDER BY f.period LIMIT 1) FROM walk w WHERE w.period IS NOT NULL
     ), periods AS (
       SELECT period FROM walk WHERE period IS NOT NULL
       UNION SELECT period FROM settlement_runs
       UNION SELECT $1::char(7)
     )
     SELECT trim(x.period) AS period, r.status, r.stage, r.started_at, r.finished_at, r.supporters, r.flattrs,
            CASE WHEN r.status = 'running' THEN (SELECT count(*)::int FROM supporter_settlements s WHERE s.period = x.period) ELSE r.supporters END AS settled,
            coalesce(p.flattrs, 0) AS pending_flattrs, coalesce(p.supporters, 0) AS pending_supporters
       FROM periods x
       LEFT JOIN settlement_runs r ON r.period = x.period
       LEFT JOIN LATERAL (${pending}) p ON r.period IS NULL
      ORDER BY x.period`,
    periodOf(now, settings.timeZone),
  );
  return rows.map((r) => {
    const closesAt = settleableAt(r.period, settings);
    return {
      period: r.period, closed: now >= closesAt, closesAt,
      run: r.status === null ? null : {
        status: r.status === 'settled' ? 'settled' : 'running', stage: r.stage!, startedAt: r.started_at!, finishedAt: r.finished_at,
        supporters: r.supporters ?? 0, flattrs: r.flattrs ?? 0, settled: r.settled ?? 0,
      },
      pending: { flattrs: r.pending_flattrs, supporters: r.pending_supporters },
    };
  });
}
