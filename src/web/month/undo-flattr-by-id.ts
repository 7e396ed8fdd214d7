import { undoFlattr } from '../../chat/undo-flattr.js';
import type { Db } from '../../db/database.js';
import type { Platform } from '../../domain/like-event.js';

/** `undone`, or why not: nothing was changed in any of the others. */
export type UndoOutcome =
  | { outcome: 'undone' }
  | { outcome: 'already_undone' }
  | { outcome: 'not_found' }
  | { outcome: 'settling'; period: string };

/**
 * The page's and the API's undo of one flattr, by id: through the same use
 * case as the chat's `/flattr undo` (which revokes the supporter's flattr on
 * that item in every period not settling yet, under the ingest's locks).
 * Someone else's flattr id is `not_found`, exactly like an unknown one, so
 * ids reveal nothing; a flattr of a period whose settlement has started
 * stays (money rule 3).
 */
export async function undoFlattrById(db: Db, supporterId: number, flattrId: bigint, now: Date): Promise<UndoOutcome> {
  const [flattr] = await db.$queryRawUnsafe<{ platform: Platform; item: string; period: string; status: string; settling: boolean }[]>(
    `SELECT f.platform, f.item, trim(f.period) AS period, f.status, EXISTS (SELECT 1 FROM settlement_runs r WHERE r.period = f.period) AS settling
       FROM flattrs f WHERE f.id = $1 AND f.supporter_id = $2`,
    flattrId, supporterId,
  );
  if (!flattr) return { outcome: 'not_found' };
  if (flattr.settling) return { outcome: 'settling', period: flattr.period };
  if (flattr.status !== 'active') return { outcome: 'already_undone' };
  const revoked = await undoFlattr(db, supporterId, { platform: flattr.platform, item: flattr.item }, now);
  if (revoked > 0) return { outcome: 'undone' };
  // A run opened between the read and the undo's lock: undoFlattr left the period alone.
  const [after] = await db.$queryRawUnsafe<{ settling: boolean }[]>(`SELECT EXISTS (SELECT 1 FROM settlement_runs WHERE period = $1) AS settling`, flattr.period);
  return after?.settling ? { outcome: 'settling', period: flattr.period } : { outcome: 'already_undone' };
}
