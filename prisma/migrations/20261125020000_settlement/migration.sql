-- Month-end settlement (issue 4). Added, never edited: see DESIGN.md section 7.

-- The run's frozen view of its supporters, taken when the run opens (in the
-- same transaction as the settlement_runs row, under the exclusive
-- settlementStart lock): budget and currency as they were at the cutoff, and
-- the batch each supporter settles in. Batches never change once written, so
-- a resumed run settles exactly the same groups.
CREATE TABLE settlement_supporters (
  period        char(7) NOT NULL,
  supporter_id  integer NOT NULL,
  batch         integer NOT NULL,
  currency      char(3) NOT NULL,
  budget        bigint NOT NULL CHECK (budget >= 0),
  flattrs       integer NOT NULL,
  PRIMARY KEY (period, supporter_id)
);
CREATE INDEX settlement_supporters_period_batch_idx ON settlement_supporters (period, batch);

ALTER TABLE settlement_runs ADD COLUMN batch_size integer NOT NULL DEFAULT 1000;
ALTER TABLE settlement_runs ADD COLUMN batches integer NOT NULL DEFAULT 0;

-- Whether a share went to the recipient's escrow (unclaimed at settlement) or
-- to a creator balance: the report and notices need it without re-deriving
-- claim history from the ledger.
ALTER TABLE flattr_shares ADD COLUMN escrowed boolean NOT NULL DEFAULT false;

