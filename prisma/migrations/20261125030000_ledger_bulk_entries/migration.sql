-- Settlement writes about one ledger entry per flattr, set-based, in the same
-- statement as the transfers those entries belong to (issue 4). PostgreSQL
-- checks a foreign key row by row (a lookup and a KEY SHARE lock each), which
-- measured as half the cost of a settlement batch. The two references are
-- guaranteed by construction instead, and `flattr ledger verify` checks that
-- every entry names an existing transfer and account (money rule 10).
ALTER TABLE entries DROP CONSTRAINT entries_transfer_id_fkey;
ALTER TABLE entries DROP CONSTRAINT entries_account_id_fkey;
