-- Monthly top-ups equal to the budget (issue 17): a card saved once through a
-- Stripe Checkout Session in setup mode, charged off-session at the start of
-- each period for the supporter's budget of that period.

-- A supporter's Stripe Customer, created once (idempotency key
-- customer:<user id>): saved payment methods belong to a customer.
CREATE TABLE stripe_customers (
  user_id             integer PRIMARY KEY REFERENCES users(id),
  stripe_customer_id  text NOT NULL UNIQUE,
  created_at          timestamptz(3) NOT NULL DEFAULT now()
);

-- The supporter's monthly top-up mandate, one per user: active once the
-- setup session's checkout.session.completed arrived, off when the supporter
-- turned it off (turned_off_at: a setup session created before that moment
-- never turns it back on). payment_method_id is read from the session's
-- SetupIntent after the webhook committed (or by the next run); card is what
-- the wallet page shows of it ("visa 4242"). currency: the wallet's when it
-- was set up; a wallet in another currency since is not charged.
CREATE TABLE monthly_topups (
  user_id             integer PRIMARY KEY REFERENCES users(id),
  status              text NOT NULL CHECK (status IN ('active', 'off')),
  currency            char(3) NOT NULL,
  stripe_customer_id  text NOT NULL,
  setup_session_id    text NOT NULL UNIQUE,
  setup_intent_id     text,
  payment_method_id   text,
  card                text,
  turned_on_at        timestamptz(3) NOT NULL DEFAULT now(),
  turned_off_at       timestamptz(3),
  updated_at          timestamptz(3) NOT NULL DEFAULT now()
);

-- A monthly charge is a top-up row like a Checkout one (so its credit,
-- refunds, disputes and reconciliation take the same path), with no session:
-- request_key auto-topup:<user>:<period> (also the PaymentIntent's
-- idempotency key), written before Stripe is called; monthly_period names
-- the period it is for, once per supporter. failure_reason: Stripe's reason
-- when the charge failed (card declined, authentication required).
ALTER TABLE topup_sessions ADD COLUMN monthly_period char(7);
ALTER TABLE topup_sessions ADD COLUMN failure_reason text;
ALTER TABLE topup_sessions ADD CONSTRAINT topup_sessions_monthly UNIQUE (user_id, monthly_period);
