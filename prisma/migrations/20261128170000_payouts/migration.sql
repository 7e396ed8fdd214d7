-- Creator payouts through Stripe Connect (issue 17, part B).

-- A creator's connected Stripe account: one per user, created once (the
-- account create carries the idempotency key connect-account:<user id>), its
-- readiness followed through account.updated webhooks. Payouts go only to an
-- account whose payouts are enabled.
CREATE TABLE stripe_connected_accounts (
  user_id           integer PRIMARY KEY REFERENCES users(id),
  stripe_account_id text NOT NULL UNIQUE,
  charges_enabled   boolean NOT NULL DEFAULT false,
  payouts_enabled   boolean NOT NULL DEFAULT false,
  -- What Stripe still needs from the creator (requirements.currently_due), shown on /earnings.
  requirements_due  text[] NOT NULL DEFAULT '{}',
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now()
);

-- One payout of a creator's balance in one currency. The row and its ledger
-- debit (transfer payout:<user>:<currency>:<sequence>) are written in one
-- transaction BEFORE Stripe is asked for the transfer, under the same key: a
-- crash in between leaves a pending row that the next run retries with the
-- same idempotency key, so Stripe answers with the first transfer and nothing
-- is paid twice. status: pending (ledger debited, no transfer known yet),
-- paid (transfer created), returned (failed for good or reversed: the money
-- went back to the balance by return_transfer_id, with the reason).
CREATE TABLE payouts (
  id                  bigserial PRIMARY KEY,
  user_id             integer NOT NULL REFERENCES users(id),
  currency            char(3) NOT NULL,
  sequence            integer NOT NULL,
  amount              int8 NOT NULL CHECK (amount > 0),
  stripe_account_id   text NOT NULL,
  idempotency_key     text NOT NULL UNIQUE,
  status              text NOT NULL DEFAULT 'pending',
  stripe_transfer_id  text UNIQUE,
  reason              text,
  -- The reversal (trr_...) that returned a paid transfer, for reconciliation.
  stripe_reversal_id  text UNIQUE,
  ledger_transfer_id  int8 NOT NULL REFERENCES transfers(id),
  return_transfer_id  int8 REFERENCES transfers(id),
  created_at          timestamptz(3) NOT NULL DEFAULT now(),
  updated_at          timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (user_id, currency, sequence)
);

-- A run looks for unfinished payouts first.
CREATE INDEX payouts_pending ON payouts (status) WHERE status = 'pending';
