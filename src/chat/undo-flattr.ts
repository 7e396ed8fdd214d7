import type { Db } from '../db/database.js';
import { flattrLockKey, LOCK_CLASS, takeFlattrLocksSql } from '../db/locks.js';
import type { ItemRef } from './parse-item-ref.js';

/**
 * Withdraws a supporter's flattrs on one item in every period whose
 * settlement has not started (after that nothing changes: money rule 3).
 * The item's reaction states are closed at `at`, under the same locks the
 * ingest takes, so a late redelivery of an earlier reaction cannot bring the
 * flattr back, while a genuinely new reaction still can.
 */
export async function undoFlattr(db: Db, supporterId: number, ref: ItemRef, at: Date): Promise<number> {
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock_shared(${LOCK_CLASS.settlementStart}, 0)`);
    const periods = await tx.$queryRawUnsafe<{ period: string }[]>(
      `SELECT f.period FROM flattrs f
        WHERE f.supporter_id = $1 AND f.platform = $2 AND f.item = $3 AND f.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM settlement_runs r WHERE r.period = f.period)
        ORDER BY f.period`,
      supporterId, ref.platform, ref.item,
    );
    if (periods.length === 0) return 0;
    // The ingest's flattr locks, so an undo and a batch on the same flattr serialize.
    const keys = periods.map((p) => flattrLockKey(supporterId, ref.item, p.period)).sort();
    await tx.$executeRawUnsafe(takeFlattrLocksSql('$1'), JSON.stringify(keys));
    const list = periods.map((p) => p.period);
    await tx.$executeRawUnsafe(
      `UPDATE reaction_states SET active = false, occurred_at = greatest(occurred_at, $4::timestamptz), event_id = $5
        WHERE supporter_id = $1 AND item = $2 AND period = ANY($3::text[]) AND active`,
      supporterId, ref.item, list, at, `undo-${supporterId}-${at.toISOString()}`,
    );
    return tx.$executeRawUnsafe(
      `UPDATE flattrs SET status = 'revoked', updated_at = now()
        WHERE supporter_id = $1 AND platform = $2 AND item = $3 AND period = ANY($4::text[]) AND status = 'active'`,
      supporterId, ref.platform, ref.item, list,
    );
  });
}
