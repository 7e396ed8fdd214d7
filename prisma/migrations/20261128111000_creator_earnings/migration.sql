-- What each identity received per settled period, per currency and community
-- (the creator earnings page, /earnings and GET /api/v1/earnings). A settled
-- period never changes (money rule 3), so its sums are computed once per
-- identity, from the recorded split (supporter_settlements) as `flattr report`
-- counts it (money rule 11: only supporters charged in the period), the first
-- time someone asks, and read from here after that: a creator with 100,000
-- flattrs received is a few index probes, not an unnest of the whole split.

-- One row per (identity, period, currency, community): community '' for a
-- platform without one (X).
CREATE TABLE creator_earnings (
  identity_id  integer NOT NULL REFERENCES identities(id),
  period       char(7) NOT NULL,
  currency     char(3) NOT NULL,
  community    text NOT NULL,
  amount       int8 NOT NULL,
  flattrs      integer NOT NULL,
  supporters   integer NOT NULL,
  PRIMARY KEY (identity_id, period, currency, community)
);

-- The (identity, settled period) pairs already summed, rows or none: an
-- identity that received nothing in a period is not summed again.
CREATE TABLE creator_earnings_periods (
  identity_id  integer NOT NULL REFERENCES identities(id),
  period       char(7) NOT NULL,
  computed_at  timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (identity_id, period)
);

-- A balance is the sum of its account's entries, and a creator paid by
-- 10,000 supporters has 10,000 of them. With the amount in the index, that
-- sum is read from the index alone (an index-only scan once vacuum has marked
-- the pages visible) instead of one heap page per entry. It replaces the
-- plain index on the same key, so every query that used it still does.
DROP INDEX entries_account_id_idx;
CREATE INDEX entries_account_id_idx ON entries (account_id) INCLUDE (amount);
