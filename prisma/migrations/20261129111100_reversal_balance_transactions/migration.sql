-- The Stripe balance transactions (txn_...) a refund or lost dispute of a
-- top-up moved at Stripe: each refund's balance_transaction, a dispute's
-- balance_transactions (issue 17). `flattr payments reconcile` pairs each
-- reversal with them. Read from Stripe after the reversal is committed (and
-- again by reconciliation while empty): empty means not known yet.
ALTER TABLE topup_reversals ADD COLUMN balance_transaction_ids text[] NOT NULL DEFAULT '{}';
-- Reconciliation reads the reversals of a window.
CREATE INDEX topup_reversals_created ON topup_reversals (created_at);
