import type { Db } from '../../../src/db/database.js';

/**
 * Of these Posts newly seen in a supporter's likes, those the hub already
 * counts as liked by them: the latest event it recorded for (supporter,
 * Post), in any period, is a like (the webhook heard it first). The poller
 * sends no like for them: dated later, in a month that has begun since,
 * it would be a second flattr of the same like in that month.
 */
export async function alreadyLiked(db: Db, identityId: number, items: string[]): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const rows = await db.$queryRawUnsafe<{ item: string; active: boolean }[]>(
    `SELECT DISTINCT ON (rs.item) rs.item, rs.active
       FROM reaction_states rs JOIN identities i ON i.user_id = rs.supporter_id
      WHERE i.id = $1 AND rs.item = ANY($2::text[])
      ORDER BY rs.item, rs.occurred_at DESC`,
    identityId, items,
  );
  return new Set(rows.filter((r) => r.active).map((r) => r.item));
}
