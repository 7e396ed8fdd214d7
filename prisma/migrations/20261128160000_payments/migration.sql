-- Stripe top-ups, refunds and disputes (issue 17, part A).

-- Every signed Stripe event, stored (committed) before anything acts on it,
-- one row per Stripe event id: a redelivery finds its row and does nothing
-- more once processed_at is set. The body is kept as Stripe sent it (text,
-- the exact JSON) so a failed event can be replayed from here. outcome says
-- what processing did (credited, ignored: unknown type, ...); last_error is
-- set while a processing attempt failed (Stripe then delivers it again).
CREATE TABLE stripe_events (
  id            text PRIMARY KEY,
  type          text NOT NULL,
  livemode      boolean NOT NULL,
  payload       text NOT NULL,
  received_at   timestamptz(3) NOT NULL DEFAULT now(),
  processed_at  timestamptz(3),
  outcome       text,
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text
);

-- One top-up request: a Checkout Session created under request_key (the
-- Stripe idempotency key), credited once by the checkout.session.completed /
-- async_payment_succeeded webhook whose ledger transfer carries the key
-- topup:<stripe session id>. The Stripe fee, when its balance transaction is
-- known, is recorded here (the hub absorbs it: the wallet gets the full
-- amount). refunded and disputed sum what refunds and lost disputes took back.
-- status: open (session created), paid (credited), expired.
CREATE TABLE topup_sessions (
  id                      bigserial PRIMARY KEY,
  user_id                 integer NOT NULL REFERENCES users(id),
  request_key             text NOT NULL UNIQUE,
  amount                  int8 NOT NULL CHECK (amount > 0),
  currency                char(3) NOT NULL,
  status                  text NOT NULL DEFAULT 'open',
  stripe_session_id       text UNIQUE,
  url                     text,
  payment_intent_id       text UNIQUE,
  balance_transaction_id  text,
  stripe_fee              int8,
  credit_transfer_id      int8 REFERENCES transfers(id),
  refunded                int8 NOT NULL DEFAULT 0,
  disputed                int8 NOT NULL DEFAULT 0,
  created_at              timestamptz(3) NOT NULL DEFAULT now(),
  updated_at              timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX topup_sessions_user ON topup_sessions (user_id);

-- Money Stripe took back from a top-up (a refund, or a dispute lost): what
-- left the wallet and what the supporter owes (the receivable) because it
-- had already been spent. id: the Stripe refund-state or dispute key.
CREATE TABLE topup_reversals (
  id                  text PRIMARY KEY,
  topup_session_id    int8 NOT NULL REFERENCES topup_sessions(id),
  kind                text NOT NULL,
  amount              int8 NOT NULL CHECK (amount > 0),
  from_wallet         int8 NOT NULL,
  to_receivable       int8 NOT NULL,
  transfer_id         int8 NOT NULL REFERENCES transfers(id),
  created_at          timestamptz(3) NOT NULL DEFAULT now()
);

-- Two account kinds: external_stripe (money in and out through Stripe, apart
-- from the manual external account so it reconciles with Stripe's balance)
-- and receivable (a user's: what a supporter owes after a refund or a lost
-- dispute took back money already spent; its balance is minus what is owed).
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check
  CHECK (kind IN ('wallet', 'creator', 'escrow', 'fees', 'charity', 'external', 'external_stripe', 'receivable'));
