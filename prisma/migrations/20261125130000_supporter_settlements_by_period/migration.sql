-- supporter_settlements are keyed by (period, supporter_id), and the separate
-- period index goes. Everything reads them by period: a batch's "settled
-- yet?" probe (period and supporter), a run's finish, the report (in
-- supporter order), the ledger's verify. So one index in that order serves
-- them all, and settling a supporter writes one index entry instead of two.
-- A supporter is still settled once per period: the key is the same pair.
ALTER TABLE supporter_settlements DROP CONSTRAINT supporter_settlements_pkey;
DROP INDEX supporter_settlements_period_idx;
ALTER TABLE supporter_settlements ADD CONSTRAINT supporter_settlements_pkey PRIMARY KEY (period, supporter_id);
