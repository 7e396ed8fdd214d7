import type { Db } from '../db/database.js';
import { SettlementIncompleteError, SettlementInvariantError } from './errors.js';
import { unsettled } from './settle-batch-sql.js';

/**
 * Closes a run once every frozen supporter is settled, and marks it settled.
 * Idempotent.
 *
 * The money itself was checked where it was written: each batch's statement
 * checks its own transfers balance and its shares sum to D, and those
 * per-supporter equalities add up to the period's. So this does not re-read
 * a million shares (that was 0.7 s of a 1M-flattr run); it checks, from the
 * supporters alone, that what was settled is what the run froze: same
 * supporters, budgets and flattr counts, and nothing charged over budget.
 * `flattr ledger verify` remains the full audit.
 */
export async function finishRun(db: Db, period: string): Promise<void> {
  const [state] = await db.$queryRawUnsafe<{ pending: number; mismatch: string | null }[]>(
    `SELECT (SELECT count(*)::int FROM settlement_supporters s WHERE s.period = $1 AND ${unsettled('s')}) AS pending,
            (SELECT 'supporter ' || coalesce(x.supporter_id, s.supporter_id) || ': ' ||
                    CASE WHEN s.supporter_id IS NULL THEN 'settled but not in the run'
                         ELSE 'settled with budget ' || x.budget || ', ' || x.flattrs || ' flattrs, charged ' || x.charged ||
                              '; the run froze budget ' || s.budget || ', ' || s.flattrs || ' flattrs' END
               FROM supporter_settlements x
               LEFT JOIN settlement_supporters s ON s.period = x.period AND s.supporter_id = x.supporter_id
              WHERE x.period = $1 AND (s.supporter_id IS NULL OR x.budget <> s.budget OR x.flattrs <> s.flattrs OR x.charged > x.budget)
              LIMIT 1) AS mismatch`,
    period,
  );
  if (state!.pending > 0) throw new SettlementIncompleteError(period, state!.pending);
  if (state!.mismatch) throw new SettlementInvariantError('settled as frozen', `${period} ${state!.mismatch}`);
  await db.$executeRawUnsafe(
    `UPDATE settlement_runs SET status = 'settled', stage = 'settled', finished_at = now() WHERE period = $1 AND status <> 'settled'`, period);
}
