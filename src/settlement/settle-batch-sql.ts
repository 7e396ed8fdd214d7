/**
 * The set-based settlement of one batch ($1 period, $2 batch; the settle
 * statement adds $3 fee_bps and $4 policy). Money stays int8 throughout:
 * integer division and modulo on non-negative int8 are exactly ⌊⌋ and mod.
 * src/domain/split.ts is the specification; test/settlement compares the two
 * on random worlds.
 */

/** The batch's supporters not settled yet. */
const PENDING = `
  SELECT s.supporter_id, s.currency, s.budget, s.flattrs AS n
    FROM settlement_supporters s
   WHERE s.period = $1 AND s.batch = $2
     AND NOT EXISTS (SELECT 1 FROM supporter_settlements x WHERE x.period = $1 AND x.supporter_id = s.supporter_id)`;

const lockWallets = `
  SELECT a.id FROM (${PENDING}) p
    JOIN accounts a ON a.kind = 'wallet' AND a.user_id = p.supporter_id AND a.identity_id IS NULL AND a.currency = p.currency
   ORDER BY a.id FOR UPDATE OF a`;

const BATCH_FLATTRS = `
  SELECT f.recipient_identity_id, p.currency FROM (${PENDING}) p
    JOIN flattrs f ON f.period = $1 AND f.supporter_id = p.supporter_id AND f.status = 'active'`;

const lockUnclaimedRecipients = `
  SELECT i.id FROM identities i
   WHERE i.user_id IS NULL AND i.id IN (SELECT recipient_identity_id FROM (${BATCH_FLATTRS}) bf)
   ORDER BY i.id FOR SHARE`;

/** Creator, escrow, fee and charity accounts the batch credits; sorted so concurrent batches never deadlock. */
const ensureAccounts = `
  INSERT INTO accounts (kind, user_id, identity_id, currency)
  SELECT kind, user_id, identity_id, currency FROM (
    SELECT DISTINCT CASE WHEN i.user_id IS NULL THEN 'escrow' ELSE 'creator' END AS kind,
           i.user_id, CASE WHEN i.user_id IS NULL THEN i.id END AS identity_id, bf.currency
      FROM (${BATCH_FLATTRS}) bf JOIN identities i ON i.id = bf.recipient_identity_id
    UNION
    SELECT k, NULL::int, NULL::int, p.currency FROM (${PENDING}) p CROSS JOIN (VALUES ('fees'), ('charity')) AS v(k)
  ) wanted
  ORDER BY kind, user_id, identity_id, currency
  ON CONFLICT (kind, user_id, identity_id, currency) DO NOTHING`;

/**
 * Rules 5–8 for every pending supporter of the batch in one statement:
 * amounts, the supporter_settlements rows, one transfer per charged
 * supporter (ids drawn up front so entries can name them), the per-flattr
 * shares, and the entries (wallet −A, fees +F, per recipient +credit to the
 * creator balance or, with the payer, to the identity's escrow; or charity +A).
 */
const settle = `
WITH pending AS (${PENDING}),
amounts AS (
  SELECT p.*, w.id AS wallet_id,
         greatest(least(p.budget, coalesce((SELECT sum(e.amount) FROM entries e WHERE e.account_id = w.id), 0)), 0)::int8 AS available
    FROM pending p
    LEFT JOIN accounts w ON w.kind = 'wallet' AND w.user_id = p.supporter_id AND w.identity_id IS NULL AND w.currency = p.currency
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
ss AS (
  INSERT INTO supporter_settlements (supporter_id, period, currency, budget, charged, fee, flattrs, transfer_id)
  SELECT supporter_id, $1, currency, budget, charged, fee, n, transfer_id FROM settled
),
tr AS (
  INSERT INTO transfers (id, kind, idempotency_key, period)
  SELECT transfer_id, 'settlement', 'settle:' || $1 || ':' || supporter_id, $1 FROM settled WHERE transfer_id IS NOT NULL
),
ranked AS (
  SELECT f.id AS flattr_id, f.supporter_id, f.recipient_identity_id, s.transfer_id, s.currency,
         (s.charged - s.fee) / s.n
           + CASE WHEN row_number() OVER (PARTITION BY f.supporter_id
                                          ORDER BY md5(f.supporter_id::text || ':' || $1::text || ':' || f.id::text) COLLATE "C", f.id)
                       <= (s.charged - s.fee) % s.n THEN 1 ELSE 0 END AS amount
    FROM settled s JOIN flattrs f ON f.period = $1 AND f.supporter_id = s.supporter_id AND f.status = 'active'
   WHERE s.n > 0
),
shares AS (
  SELECT r.*, i.user_id AS creator_id FROM ranked r JOIN identities i ON i.id = r.recipient_identity_id
),
fs AS (
  INSERT INTO flattr_shares (flattr_id, period, supporter_id, amount, escrowed)
  SELECT flattr_id, $1, supporter_id, amount, creator_id IS NULL FROM shares
),
credits AS (
  SELECT transfer_id, currency, supporter_id, creator_id, CASE WHEN creator_id IS NULL THEN recipient_identity_id END AS escrow_identity_id,
         sum(amount)::int8 AS amount
    FROM shares WHERE transfer_id IS NOT NULL
   GROUP BY 1, 2, 3, 4, 5 HAVING sum(amount) > 0
)
INSERT INTO entries (transfer_id, account_id, currency, amount, payer_user_id)
SELECT transfer_id, wallet_id, currency, -charged, NULL::int FROM settled WHERE transfer_id IS NOT NULL
UNION ALL
SELECT s.transfer_id, a.id, s.currency, CASE WHEN s.n > 0 THEN s.fee ELSE s.charged END, NULL
  FROM settled s JOIN accounts a ON a.kind = CASE WHEN s.n > 0 THEN 'fees' ELSE 'charity' END
   AND a.currency = s.currency AND a.user_id IS NULL AND a.identity_id IS NULL
 WHERE s.transfer_id IS NOT NULL AND (s.n = 0 OR s.fee > 0)
UNION ALL
SELECT c.transfer_id, a.id, c.currency, c.amount, NULL
  FROM credits c JOIN accounts a ON a.kind = 'creator' AND a.user_id = c.creator_id AND a.identity_id IS NULL AND a.currency = c.currency
 WHERE c.creator_id IS NOT NULL
UNION ALL
SELECT c.transfer_id, a.id, c.currency, c.amount, c.supporter_id
  FROM credits c JOIN accounts a ON a.kind = 'escrow' AND a.identity_id = c.escrow_identity_id AND a.user_id IS NULL AND a.currency = c.currency
 WHERE c.creator_id IS NULL`;

/** First problem in what the batch just wrote, if any: unbalanced transfer, overdrawn wallet, shares ≠ D. */
const selfCheck = `
WITH mine AS (
  SELECT x.* FROM supporter_settlements x JOIN settlement_supporters s ON s.period = x.period AND s.supporter_id = x.supporter_id
   WHERE x.period = $1 AND s.batch = $2
)
SELECT 'transfer ' || e.transfer_id || ' sums to ' || sum(e.amount) || ' ' || e.currency AS problem
  FROM entries e JOIN mine m ON m.transfer_id = e.transfer_id GROUP BY e.transfer_id, e.currency HAVING sum(e.amount) <> 0
UNION ALL
SELECT 'wallet of supporter ' || m.supporter_id || ' is below zero'
  FROM mine m JOIN accounts a ON a.kind = 'wallet' AND a.user_id = m.supporter_id AND a.identity_id IS NULL AND a.currency = m.currency
 WHERE m.charged > 0 AND (SELECT sum(amount) FROM entries WHERE account_id = a.id) < 0
UNION ALL
SELECT 'shares of supporter ' || m.supporter_id || ' do not add up to charged - fee'
  FROM mine m WHERE m.flattrs > 0
   AND m.charged - m.fee <> coalesce((SELECT sum(fs.amount) FROM flattrs f JOIN flattr_shares fs ON fs.flattr_id = f.id
                                       WHERE f.period = $1 AND f.supporter_id = m.supporter_id AND f.status = 'active'), -1)
LIMIT 1`;

export const SETTLE_BATCH_SQL = { lockWallets, lockUnclaimedRecipients, ensureAccounts, settle, selfCheck } as const;
