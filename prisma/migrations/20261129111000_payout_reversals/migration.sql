-- Partial reversals of payouts (issue 17): Stripe may reverse part of a
-- payout's transfer, then more of it later. Each transfer.reversed returns
-- only what is newly reversed (amount_reversed minus what came back before)
-- to the creator's balance, once.

-- What a payout has given back to the creator's balance so far: all of it
-- when returned (refused, or reversed in full), part of it when Stripe
-- reversed part of the transfer.
ALTER TABLE payouts ADD COLUMN returned int8 NOT NULL DEFAULT 0;
UPDATE payouts SET returned = amount WHERE status = 'returned';

-- One increment returned after transfer.reversed. The id is the ledger
-- transfer's key, payout-reversal:<payout id>:<amount_reversed>: named by
-- the transfer's running total, so a redelivery, or an older event arriving
-- late, returns nothing more. stripe_reversal_ids: the reversals (trr_...)
-- this increment covers, whose balance transactions reconciliation pairs it
-- with.
CREATE TABLE payout_reversals (
  id                  text PRIMARY KEY,
  payout_id           int8 NOT NULL REFERENCES payouts(id),
  amount              int8 NOT NULL CHECK (amount > 0),
  stripe_reversal_ids text[] NOT NULL DEFAULT '{}',
  transfer_id         int8 NOT NULL REFERENCES transfers(id),
  created_at          timestamptz(3) NOT NULL DEFAULT now()
);

CREATE INDEX payout_reversals_payout ON payout_reversals (payout_id);
