/**
 * The set-based settlement of one batch ($1 period, $2 batch; the settle
 * statement adds $3 fee_bps and $4 policy). Money stays int8 throughout:
 * integer division and modulo on non-negative int8 are exactly ⌊⌋ and mod.
 * src/domain/split.ts is the specification; test/settlement compares the two
 * on random worlds.
 */

/**
 * "Supporter s (alias) has no settlement in period $1 yet", as a scalar
 * subquery: one primary-key probe per supporter. NOT EXISTS would read
 * better, but the planner turns it into an anti join and, on the run's
 * unanalyzed supporter_settlements, chose a nested loop over every supporter
 * already settled in the period: each batch got slower than the one before.
 */
export function unsettled(alias: string): string {
  return `(SELECT 1 FROM supporter_settlements x WHERE x.supporter_id = ${alias}.supporter_id AND x.period = $1) IS NULL`;
}

/** The self-check problem that means "add the recipients and redo the batch", not a bug. */
export const MISSING_RECIPIENT = 'recipient not in the run';

/** The batch's supporters not settled yet. */
const PENDING = `
  SELECT s.supporter_id, s.currency, s.budget, s.flattrs AS n
    FROM settlement_supporters s
   WHERE s.period = $1 AND s.batch = $2 AND ${unsettled('s')}`;

const lockWallets = `
  SELECT a.id FROM (${PENDING}) p
    JOIN accounts a ON a.kind = 'wallet' AND a.user_id = p.supporter_id AND a.identity_id IS NULL AND a.currency = p.currency
   ORDER BY a.id FOR UPDATE OF a`;

/**
 * Rules 5–8 for every pending supporter of the batch in one statement:
 * amounts, one transfer per charged supporter (ids drawn up front so entries
 * can name them), the per-flattr shares, the supporter_settlements rows that
 * record them (the split as arrays ordered by flattr id: one row per
 * supporter rather than one per flattr, see migration 20261125060000), and
 * the entries (wallet −A, fees +F, per recipient +credit to the
 * account settlement_recipients names: the creator balance or, with the
 * payer, the identity's escrow; or charity +A). The wallet id is a scalar
 * subquery (an index probe, whatever the statistics), behind OFFSET 0 so the
 * planner probes it once per supporter, not twice.
 * It returns the count of entries written and the first self-check problem
 * in what it wrote (a flattr without recipient account, an unbalanced
 * transfer, Σ shares ≠ D), checked on the rows as they are inserted (legs,
 * the split) rather than read back through RETURNING.
 */
const settle = (join: RecipientsJoin) => `
WITH pending AS (${PENDING}),
amounts AS MATERIALIZED (
  SELECT w.*, greatest(least(w.budget, coalesce((SELECT sum(e.amount) FROM entries e WHERE e.account_id = w.wallet_id), 0)), 0)::int8 AS available
    FROM (SELECT p.*, (SELECT a.id FROM accounts a WHERE a.kind = 'wallet' AND a.user_id = p.supporter_id
                                                AND a.identity_id IS NULL AND a.currency = p.currency) AS wallet_id
            FROM pending p OFFSET 0) w
),
charges AS (
  SELECT a.*,
         CASE WHEN a.n > 0 OR $4 = 'charity' THEN a.available ELSE 0 END::int8 AS charged,
         CASE WHEN a.n > 0 THEN a.available * $3::int8 / 10000 ELSE 0 END::int8 AS fee
    FROM amounts a
),
settled AS (
  SELECT c.*, CASE WHEN c.charged > 0 THEN nextval('transfers_id_seq') END AS transfer_id FROM charges c
),
tr AS (
  INSERT INTO transfers (id, kind, idempotency_key, period)
  SELECT transfer_id, 'settlement', 'settle:' || $1 || ':' || supporter_id, $1 FROM settled WHERE transfer_id IS NOT NULL
),
shares AS MATERIALIZED (
  SELECT w.flattr_id, w.supporter_id, w.transfer_id, w.currency, r.creator_id, r.account_id, w.amount
    FROM (
      -- Supporters in order, then each one's flattrs from the (period, supporter_id) index: the
      -- rows arrive grouped by supporter, so the tie order only sorts within
      -- each supporter (an incremental sort) rather than the whole batch.
      SELECT f.id AS flattr_id, f.supporter_id, f.recipient_identity_id, s.transfer_id, s.currency,
             (s.charged - s.fee) / s.n
               + CASE WHEN row_number() OVER (PARTITION BY f.supporter_id
                                              ORDER BY md5(f.supporter_id::text || ':' || $1::text || ':' || f.id::text) COLLATE "C", f.id)
                           <= (s.charged - s.fee) % s.n THEN 1 ELSE 0 END AS amount
        FROM (SELECT * FROM settled WHERE n > 0 ORDER BY supporter_id) s
        JOIN flattrs f ON f.period = $1 AND f.supporter_id = s.supporter_id AND f.status = 'active'
    ) w
    ${RECIPIENTS_JOIN[join]}
),
split AS (
  -- One sort feeds all three arrays, instead of one per array and supporter
  -- (aggregate ORDER BY): aggregates of one node take the rows in the order
  -- given, the same for each, so the arrays are aligned and in flattr order.
  SELECT supporter_id, array_agg(flattr_id) AS flattr_ids, array_agg(amount) AS shares,
         array_agg(creator_id IS NULL) AS escrowed, sum(amount) AS total
    FROM (SELECT supporter_id, flattr_id, amount, creator_id FROM shares ORDER BY supporter_id, flattr_id) o
   GROUP BY supporter_id
),
ss AS (
  INSERT INTO supporter_settlements (supporter_id, period, currency, budget, charged, fee, flattrs, transfer_id, flattr_ids, shares, escrowed)
  SELECT s.supporter_id, $1, s.currency, s.budget, s.charged, s.fee, s.n, s.transfer_id,
         coalesce(x.flattr_ids, '{}'), coalesce(x.shares, '{}'), coalesce(x.escrowed, '{}')
    FROM settled s LEFT JOIN split x ON x.supporter_id = s.supporter_id
),
house AS MATERIALIZED (
  SELECT a.id, a.kind, a.currency FROM accounts a WHERE a.kind IN ('fees', 'charity') AND a.user_id IS NULL AND a.identity_id IS NULL
),
credits AS (
  SELECT transfer_id, currency, account_id, CASE WHEN creator_id IS NULL THEN supporter_id END AS payer_user_id, sum(amount)::int8 AS amount
    FROM shares WHERE transfer_id IS NOT NULL
   GROUP BY transfer_id, currency, account_id, 4 HAVING sum(amount) > 0
),
legs AS MATERIALIZED (
  SELECT transfer_id, wallet_id AS account_id, currency, -charged AS amount, NULL::int AS payer_user_id FROM settled WHERE transfer_id IS NOT NULL
  UNION ALL
  SELECT s.transfer_id, h.id, s.currency, CASE WHEN s.n > 0 THEN s.fee ELSE s.charged END, NULL
    FROM settled s LEFT JOIN house h ON h.currency = s.currency AND h.kind = CASE WHEN s.n > 0 THEN 'fees' ELSE 'charity' END
   WHERE s.transfer_id IS NOT NULL AND (s.n = 0 OR s.fee > 0)
  UNION ALL
  SELECT transfer_id, account_id, currency, amount, payer_user_id FROM credits
),
written AS (
  -- In account order: each entry goes into the account_id index, and in
  -- order the inserts walk its leaf pages one after the other instead of
  -- jumping between them (about 6% of a 1M-flattr run, whose largest single
  -- cost is these inserts).
  INSERT INTO entries (transfer_id, account_id, currency, amount, payer_user_id)
  SELECT transfer_id, account_id, currency, amount, payer_user_id FROM legs WHERE account_id IS NOT NULL ORDER BY account_id
)
SELECT (SELECT count(*)::int FROM legs WHERE account_id IS NOT NULL) AS entries,
       coalesce(
         (SELECT '${MISSING_RECIPIENT}: flattr ' || flattr_id FROM shares WHERE account_id IS NULL LIMIT 1),
         (SELECT '${MISSING_RECIPIENT}: no house account' FROM legs WHERE account_id IS NULL LIMIT 1),
         (SELECT 'transfer ' || transfer_id || ' sums to ' || sum(amount) || ' ' || currency FROM legs
           GROUP BY transfer_id, currency HAVING sum(amount) <> 0 LIMIT 1),
         (SELECT 'shares of supporter ' || s.supporter_id || ' sum to ' || coalesce(x.total, 0) || ', not ' || (s.charged - s.fee)
            FROM settled s LEFT JOIN split x ON x.supporter_id = s.supporter_id
           WHERE s.n > 0 AND coalesce(x.total, 0) <> s.charged - s.fee LIMIT 1)
       ) AS problem`;

/**
 * How a batch finds where each flattr's recipient is credited, among the
 * run's R settlement_recipients rows:
 * - `hash`: read the period's rows whole and hash them (OFFSET 0 keeps the
 *   planner from probing), about R + F per batch of F flattrs.
 * - `probe`: one primary-key probe per flattr, about F × log R.
 * Every batch reading all R rows makes a run's total grow with batches × R,
 * that is with the square of its size; probing keeps it linear. Measured per
 * batch at R = 20,000: F = 19,000, probing 3–10% slower; F = 4,750 and 1,900
 * (R ≈ 4 F and 10 F), about even; F = 950 (R ≈ 21 F), 15% faster; F = 380
 * (R ≈ 53 F), about twice as fast.
 */
export type RecipientsJoin = 'hash' | 'probe';
const RECIPIENTS_JOIN: Record<RecipientsJoin, string> = {
  hash: `LEFT JOIN (SELECT * FROM settlement_recipients WHERE period = $1 OFFSET 0) r
           ON r.identity_id = w.recipient_identity_id AND r.currency = w.currency`,
  probe: `LEFT JOIN LATERAL (SELECT x.creator_id, x.account_id FROM settlement_recipients x
                             WHERE x.period = $1 AND x.identity_id = w.recipient_identity_id AND x.currency = w.currency) r ON true`,
};

/** R per batch flattr above which probing wins (see RecipientsJoin), with margin. */
const PROBE_ABOVE_RECIPIENTS_PER_FLATTR = 16;

/** The join for a run: `hash` unless its recipients far outnumber a batch's flattrs (unknown counts: `hash`). */
export function recipientsJoinFor(run: { recipients: number | null; flattrs: number; batches: number }): RecipientsJoin {
  if (run.recipients === null || run.batches === 0 || run.flattrs === 0) return 'hash';
  return run.recipients > PROBE_ABOVE_RECIPIENTS_PER_FLATTR * (run.flattrs / run.batches) ? 'probe' : 'hash';
}

export const SETTLE_BATCH_SQL = { lockWallets, settle: { hash: settle('hash'), probe: settle('probe') } } as const;
