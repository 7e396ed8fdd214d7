import type { Db } from '../db/database.js';
import { SettlementIncompleteError, SettlementInvariantError } from './errors.js';

/**
 * Closes a run once every frozen supporter is settled: checks the period's
 * totals (charged = fees + shares + charity per currency, every transfer
 * balanced as already checked per batch) and marks it settled. Idempotent.
 */
export async function finishRun(db: Db, period: string): Promise<void> {
  const [pending] = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM settlement_supporters s
      WHERE s.period = $1 AND NOT EXISTS (SELECT 1 FROM supporter_settlements x WHERE x.period = $1 AND x.supporter_id = s.supporter_id)`,
    period,
  );
  if (pending!.n > 0) throw new SettlementIncompleteError(period, pending!.n);
  const [broken] = await db.$queryRawUnsafe<{ currency: string; charged: bigint; accounted: bigint }[]>(
    `WITH s AS (
       SELECT currency, sum(charged)::int8 AS charged, sum(fee)::int8 AS fees,
              sum(CASE WHEN flattrs = 0 THEN charged ELSE 0 END)::int8 AS charity
         FROM supporter_settlements WHERE period = $1 GROUP BY currency
     ), sh AS (
       SELECT x.currency, sum(fs.amount)::int8 AS shares
         FROM flattrs f
         JOIN flattr_shares fs ON fs.flattr_id = f.id
         JOIN supporter_settlements x ON x.period = fs.period AND x.supporter_id = fs.supporter_id
        WHERE f.period = $1 GROUP BY x.currency
     )
     SELECT s.currency, s.charged, (s.fees + s.charity + coalesce(sh.shares, 0))::int8 AS accounted
       FROM s LEFT JOIN sh ON sh.currency = s.currency
      WHERE s.charged <> s.fees + s.charity + coalesce(sh.shares, 0)`,
    period,
  );
  if (broken) throw new SettlementInvariantError('Σ charged = Σ fees + Σ shares + Σ charity', `${period} ${broken.currency}: ${broken.charged} ≠ ${broken.accounted}`);
  await db.$executeRawUnsafe(
    `UPDATE settlement_runs SET status = 'settled', stage = 'settled', finished_at = now() WHERE period = $1 AND status <> 'settled'`, period);
}
