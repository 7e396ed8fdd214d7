import type { Db } from '../../../src/db/database.js';

/**
 * Who is polled: an X identity whose user turned X on and whose OAuth grant
 * stands (its x_tokens row, adapters/twitter/token-store.ts, holds a token
 * and no disconnected_at: isXConnected's test). Read at every tick, so turning X off or a revoked grant
 * stops the polling at the next tick, with nothing to unregister.
 */
const POLLABLE = `i.platform = 'twitter' AND 'twitter' = ANY(s.platforms)
  AND EXISTS (SELECT 1 FROM x_tokens t WHERE t.identity_id = i.id AND t.disconnected_at IS NULL AND t.access_token IS NOT NULL)`;
const POLLABLE_FROM = `identities i JOIN supporter_settings s ON s.user_id = i.user_id`;

export async function countPollable(db: Db): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${POLLABLE_FROM} WHERE ${POLLABLE}`);
  return row!.n;
}

/**
 * Claims up to `limit` identities due a poll, those polled longest ago first
 * (never polled before all others): round robin, so when the app's limit
 * cannot cover everyone each supporter waits the same. A claimed identity is
 * leased until `leaseUntil`; its poll sets the real next time, and a poll
 * that never ran is claimed again once the lease is over.
 */
export async function claimDueIdentities(db: Db, options: { now: Date; limit: number; leaseUntil: Date }): Promise<number[]> {
  if (options.limit <= 0) return [];
  const rows = await db.$queryRawUnsafe<{ identity_id: number }[]>(
    `WITH due AS (
       SELECT i.id, row_number() OVER (ORDER BY p.last_polled_at ASC NULLS FIRST, i.id) AS turn
         FROM ${POLLABLE_FROM} LEFT JOIN x_poll_state p ON p.identity_id = i.id
        WHERE ${POLLABLE} AND (p.identity_id IS NULL OR p.next_poll_at <= $1)
        ORDER BY turn
        LIMIT $2
     ), claimed AS (
       INSERT INTO x_poll_state AS x (identity_id, next_poll_at) SELECT id, $3 FROM due
       ON CONFLICT (identity_id) DO UPDATE SET next_poll_at = excluded.next_poll_at, updated_at = now()
         WHERE x.next_poll_at <= $1
       RETURNING identity_id
     )
     SELECT c.identity_id FROM claimed c JOIN due d ON d.id = c.identity_id ORDER BY d.turn`,
    options.now, options.limit, options.leaseUntil,
  );
  // In turn: whoever waited longest is polled first.
  return rows.map((r) => r.identity_id);
}

/**
 * Identities no longer polled (X turned off, grant revoked) start again from
 * a baseline when they come back: likes given meanwhile were not heard, as
 * the webhook would not have heard them, and are not new likes then.
 */
export async function resetUnpollable(db: Db): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE x_poll_state p SET baselined = false, scan = NULL, updated_at = now()
      WHERE (p.baselined OR p.scan IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM ${POLLABLE_FROM} WHERE i.id = p.identity_id AND ${POLLABLE})`,
  );
}
