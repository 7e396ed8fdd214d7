import type { Db } from '../db/database.js';

/** One settled month of a supporter, as settlement recorded it (supporter_settlements): nothing is recomputed. */
export type HistoryMonth = {
  period: string;
  currency: string;
  budget: bigint;
  charged: bigint;
  fee: bigint;
  /** Active flattrs the month was split among. */
  flattrs: number;
  settledAt: Date;
};

/** What one recipient got from this supporter in a month: the sum of its flattrs' shares. */
export type HistoryRecipient = {
  period: string;
  platform: string;
  externalId: string;
  handle: string | null;
  amount: bigint;
  flattrs: number;
  /** Every share went to the creator's balance; false when some waited in escrow for them to join. */
  claimed: boolean;
  /** How many creators the supporter's split reached that month. */
  ofMonth: number;
};

/**
 * A supporter's settled months, newest first. A month counts once its run is
 * settled; the run's periods come first so each row is a primary-key probe
 * of supporter_settlements (period, supporter), never a scan of every
 * supporter's months.
 */
export async function loadHistoryMonths(db: Db, userId: number, period?: string): Promise<HistoryMonth[]> {
  return db.$queryRawUnsafe<HistoryMonth[]>(
    `SELECT trim(s.period) AS period, trim(s.currency) AS currency, s.budget, s.charged, s.fee, s.flattrs, s.settled_at AS "settledAt"
       FROM settlement_runs r JOIN supporter_settlements s ON s.period = r.period AND s.supporter_id = $1
      WHERE r.status = 'settled' AND ($2::text IS NULL OR r.period = $2)
      ORDER BY r.period DESC`,
    userId, period ?? null,
  );
}

/**
 * Each recipient's part of the supporter's split in those months, largest
 * first: the query of `flattr report` (src/settlement/build-report.ts) for
 * one supporter, so the amounts add up to the report's to the cent. Like the
 * report (money rule 11), a month the supporter was not charged lists nobody.
 * `perMonth` keeps the largest few of each month; `ofMonth` says how many there are.
 */
export async function loadHistoryRecipients(db: Db, userId: number, periods: readonly string[], perMonth?: number): Promise<HistoryRecipient[]> {
  if (periods.length === 0) return [];
  // Grouped by the recipient's id first: a hash over integers, then one identity
  // lookup per creator rather than a text sort of every share (10,000 shares: 80 ms to 30).
  return db.$queryRawUnsafe<HistoryRecipient[]>(
    `WITH per AS (
       SELECT s.period, f.recipient_identity_id AS identity_id, sum(u.amount)::int8 AS amount, count(*)::int AS flattrs, bool_and(NOT u.escrowed) AS claimed
         FROM supporter_settlements s
        CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares, s.escrowed) AS u(flattr_id, amount, escrowed)
         JOIN flattrs f ON f.id = u.flattr_id
        WHERE s.period = ANY($2::bpchar[]) AND s.supporter_id = $1 AND s.charged > 0
        GROUP BY s.period, f.recipient_identity_id
     ), ranked AS (
       SELECT per.*, i.platform, i.external_id, i.handle,
              row_number() OVER (PARTITION BY per.period ORDER BY per.amount DESC, i.platform, i.external_id) AS rank,
              count(*) OVER (PARTITION BY per.period)::int AS "ofMonth"
         FROM per JOIN identities i ON i.id = per.identity_id
     )
     SELECT trim(period) AS period, platform, external_id AS "externalId", handle, amount, flattrs, claimed, "ofMonth"
       FROM ranked WHERE $3::int IS NULL OR rank <= $3
      ORDER BY period DESC, rank`,
    userId, [...periods], perMonth ?? null,
  );
}
