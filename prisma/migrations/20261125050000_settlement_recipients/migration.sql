-- Settlement (issue 4), added, never edited: see DESIGN.md section 7.

-- Where each recipient's credit goes in a run, decided once when the run
-- opens: the creator's balance when the identity is claimed, else the
-- identity's escrow, in each currency the run pays it in. Batches join their
-- flattrs to this instead of probing identities and accounts twice per
-- flattr (a third of a batch at 1M flattrs). A claim during the run
-- re-points its rows under the escrow fence, so later batches credit the
-- creator (src/escrow/claim-escrow.ts).
CREATE TABLE settlement_recipients (
  period       char(7) NOT NULL,
  identity_id  integer NOT NULL,
  currency     char(3) NOT NULL,
  creator_id   integer,
  account_id   integer NOT NULL,
  PRIMARY KEY (period, identity_id, currency)
);
CREATE INDEX settlement_recipients_identity_id_idx ON settlement_recipients (identity_id);

-- Entries are written about one per flattr and read by transfer only in
-- audits (`flattr ledger verify`, which joins them whole): the index cost
-- every settlement entry a third of its write.
DROP INDEX entries_transfer_id_idx;
