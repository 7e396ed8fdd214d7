import type { Db } from '../../db/database.js';

/**
 * Sums, once, what these identities received in every settled period not
 * summed for them yet (creator_earnings, migration 20261128111000). A
 * settled period never changes, so the sums stay true; the first look after
 * a settlement pays for reading the split, every later one reads the sums.
 *
 * The sums count the way `flattr report` does (money rule 11): the shares of
 * supporters charged in the period, a flattr counted even when its share
 * rounded to 0. Only the split rows of the supporters who flattred these
 * identities are read, found through the identity's own flattrs.
 *
 * Concurrent fills of the same pairs compute the same rows; the primary
 * keys keep one, and rows and markers commit together, so a reader sees a
 * period summed whole or not at all.
 */
export async function fillCreatorEarnings(db: Db, identityIds: number[]): Promise<void> {
  if (identityIds.length === 0) return;
  const missing = await db.$queryRawUnsafe<{ identity_id: number; periods: string[] }[]>(
    `SELECT i.id AS identity_id, array_agg(r.period ORDER BY r.period) AS periods
       FROM unnest($1::int[]) AS i(id) CROSS JOIN settlement_runs r
      WHERE r.status = 'settled' AND NOT EXISTS (SELECT 1 FROM creator_earnings_periods p WHERE p.identity_id = i.id AND p.period = r.period)
      GROUP BY i.id`,
    identityIds,
  );
  for (const { identity_id: identityId, periods } of missing) {
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(
        `WITH mine AS (
           SELECT f.id, f.supporter_id, f.period, coalesce(f.community, '') AS community
             FROM flattrs f WHERE f.recipient_identity_id = $1 AND f.period = ANY($2::char(7)[])
         ), shares AS (
           SELECT s.period, s.currency, s.supporter_id, u.flattr_id, u.amount
             FROM (SELECT DISTINCT period, supporter_id FROM mine) p
             JOIN supporter_settlements s ON s.period = p.period AND s.supporter_id = p.supporter_id AND s.charged > 0
            CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares) AS u(flattr_id, amount)
         )
         INSERT INTO creator_earnings (identity_id, period, currency, community, amount, flattrs, supporters)
         SELECT $1, sh.period, sh.currency, m.community, sum(sh.amount), count(*), count(DISTINCT sh.supporter_id)
           FROM shares sh JOIN mine m ON m.id = sh.flattr_id
          GROUP BY sh.period, sh.currency, m.community
         ON CONFLICT DO NOTHING`,
        identityId, periods,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO creator_earnings_periods (identity_id, period) SELECT $1, unnest($2::char(7)[]) ON CONFLICT DO NOTHING`, identityId, periods,
      );
    });
  }
}
