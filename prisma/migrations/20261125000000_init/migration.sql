-- flattr-hub initial schema. Hand-written (DESIGN.md section 7); must agree
-- with prisma/schema.prisma, which test/db/schema-agreement.test.ts proves.

CREATE TABLE users (
  id          serial PRIMARY KEY,
  locale      text NOT NULL DEFAULT 'en',
  currency    char(3) NOT NULL DEFAULT 'EUR',
  created_at  timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE identities (
  id           serial PRIMARY KEY,
  platform     text NOT NULL,
  external_id  text NOT NULL,
  handle       text,
  user_id      integer REFERENCES users(id),
  claimed_at   timestamptz(3),
  oauth_token  bytea,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT identities_platform_external_id_key UNIQUE (platform, external_id)
);
CREATE INDEX identities_user_id_idx ON identities (user_id);

CREATE TABLE supporter_settings (
  user_id            integer PRIMARY KEY REFERENCES users(id),
  active             boolean NOT NULL DEFAULT true,
  budget_minor       bigint NOT NULL DEFAULT 0 CHECK (budget_minor >= 0),
  platforms          text[] NOT NULL DEFAULT '{}',
  trigger_reactions  text[] NOT NULL DEFAULT '{}',
  allow_communities  text[] NOT NULL DEFAULT '{}',
  block_communities  text[] NOT NULL DEFAULT '{}',
  statement_dms      boolean NOT NULL DEFAULT true,
  updated_at         timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE like_events (
  event_id     text PRIMARY KEY,
  platform     text NOT NULL,
  outcome      text NOT NULL,
  received_at  timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE reaction_states (
  supporter_id  integer NOT NULL,
  item          text NOT NULL,
  period        char(7) NOT NULL,
  reaction      text NOT NULL,
  active        boolean NOT NULL,
  occurred_at   timestamptz(3) NOT NULL,
  event_id      text NOT NULL,
  PRIMARY KEY (supporter_id, item, period, reaction)
);

CREATE TABLE flattrs (
  id                     bigserial PRIMARY KEY,
  supporter_id           integer NOT NULL,
  recipient_identity_id  integer NOT NULL,
  platform               text NOT NULL,
  item                   text NOT NULL,
  community              text,
  channel                text,
  period                 char(7) NOT NULL,
  occurred_at            timestamptz(3) NOT NULL,
  status                 text NOT NULL CHECK (status IN ('active', 'revoked')),
  source_event_id        text NOT NULL,
  updated_at             timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT flattrs_supporter_id_item_period_key UNIQUE (supporter_id, item, period)
);
CREATE INDEX flattrs_period_supporter_id_idx ON flattrs (period, supporter_id);
CREATE INDEX flattrs_recipient_identity_id_idx ON flattrs (recipient_identity_id);

CREATE TABLE settlement_runs (
  period       char(7) PRIMARY KEY,
  status       text NOT NULL,
  stage        text NOT NULL DEFAULT 'created',
  fee_bps      integer NOT NULL,
  policy       text NOT NULL,
  cutoff       timestamptz(3) NOT NULL,
  supporters   integer NOT NULL DEFAULT 0,
  flattrs      integer NOT NULL DEFAULT 0,
  started_at   timestamptz(3) NOT NULL DEFAULT now(),
  finished_at  timestamptz(3)
);

CREATE TABLE supporter_settlements (
  supporter_id  integer NOT NULL,
  period        char(7) NOT NULL,
  currency      char(3) NOT NULL,
  budget        bigint NOT NULL,
  charged       bigint NOT NULL,
  fee           bigint NOT NULL,
  flattrs       integer NOT NULL,
  transfer_id   bigint,
  settled_at    timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (supporter_id, period)
);
CREATE INDEX supporter_settlements_period_idx ON supporter_settlements (period);

CREATE TABLE flattr_shares (
  flattr_id     bigint PRIMARY KEY,
  period        char(7) NOT NULL,
  supporter_id  integer NOT NULL,
  amount        bigint NOT NULL CHECK (amount >= 0)
);
CREATE INDEX flattr_shares_period_idx ON flattr_shares (period);

CREATE TABLE accounts (
  id           serial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('wallet', 'creator', 'escrow', 'fees', 'charity', 'external')),
  user_id      integer,
  identity_id  integer,
  currency     char(3) NOT NULL
);
CREATE UNIQUE INDEX accounts_owner_key ON accounts (kind, user_id, identity_id, currency) NULLS NOT DISTINCT;
CREATE INDEX accounts_user_id_idx ON accounts (user_id);
CREATE INDEX accounts_identity_id_idx ON accounts (identity_id);

CREATE TABLE transfers (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL,
  idempotency_key  text NOT NULL,
  period           char(7),
  memo             text,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT transfers_idempotency_key_key UNIQUE (idempotency_key)
);

CREATE TABLE entries (
  id             bigserial PRIMARY KEY,
  transfer_id    bigint NOT NULL REFERENCES transfers(id),
  account_id     integer NOT NULL REFERENCES accounts(id),
  currency       char(3) NOT NULL,
  amount         bigint NOT NULL,
  payer_user_id  integer
);
CREATE INDEX entries_transfer_id_idx ON entries (transfer_id);
CREATE INDEX entries_account_id_idx ON entries (account_id);

-- The ledger is append-only: entries and transfers are never changed or removed.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE ON transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE TABLE communities (
  id              serial PRIMARY KEY,
  platform        text NOT NULL,
  external_id     text NOT NULL,
  name            text,
  bot_token       bytea,
  notice_channel  text,
  installed_at    timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT communities_platform_external_id_key UNIQUE (platform, external_id)
);

CREATE TABLE notifications (
  id                     bigserial PRIMARY KEY,
  recipient_identity_id  integer NOT NULL,
  community              text NOT NULL DEFAULT '',
  period                 char(7) NOT NULL,
  kind                   text NOT NULL,
  status                 text NOT NULL DEFAULT 'pending',
  attempts               integer NOT NULL DEFAULT 0,
  last_error             text,
  sent_at                timestamptz(3),
  CONSTRAINT notifications_key UNIQUE (recipient_identity_id, community, period, kind)
);

CREATE TABLE link_codes (
  code        text PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users(id),
  expires_at  timestamptz(3) NOT NULL,
  used_at     timestamptz(3)
);
