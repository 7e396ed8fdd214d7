-- A supporter's split is recorded with its settlement, as three aligned
-- arrays ordered by flattr id, instead of one flattr_shares row per flattr.
-- Settlement wrote a heap row and a primary-key entry (two WAL records) per
-- flattr; that was a fifth of each batch at 1M flattrs (issue 4). The
-- supporter_settlements row is already the unit of idempotency, written in
-- the same statement, so the split cannot exist twice or without it.
ALTER TABLE supporter_settlements
  ADD COLUMN flattr_ids bigint[]  NOT NULL DEFAULT '{}',
  ADD COLUMN shares     bigint[]  NOT NULL DEFAULT '{}',
  ADD COLUMN escrowed   boolean[] NOT NULL DEFAULT '{}';

UPDATE supporter_settlements s
   SET flattr_ids = f.flattr_ids, shares = f.shares, escrowed = f.escrowed
  FROM (SELECT period, supporter_id, array_agg(flattr_id ORDER BY flattr_id) AS flattr_ids,
               array_agg(amount ORDER BY flattr_id) AS shares, array_agg(escrowed ORDER BY flattr_id) AS escrowed
          FROM flattr_shares GROUP BY period, supporter_id) f
 WHERE f.period = s.period AND f.supporter_id = s.supporter_id;

-- One share per flattr counted in the settlement, none negative.
ALTER TABLE supporter_settlements ADD CONSTRAINT supporter_settlements_split_check CHECK (
  cardinality(flattr_ids) = flattrs AND cardinality(shares) = flattrs AND cardinality(escrowed) = flattrs
  AND 0 <= ALL (shares)
);

DROP TABLE flattr_shares;
