-- X (Twitter) connections (issue 16): the OAuth 2.0 grant a supporter gave the
-- hub through "Sign in with X", one row per X identity. Tokens are AES-256-GCM
-- ciphertext (TOKEN_ENCRYPTION_KEY), never plain text.
--
-- The refresh token is single-use: a refresh locks this row (SELECT … FOR
-- UPDATE), spends the stored token and stores its successor in the same
-- transaction, so two processes never spend the same one.
--
-- A revoked grant (X refused a refresh, the user disconnected, or X sent
-- oauth.revoke) keeps the row with its tokens erased and disconnected_at set:
-- polling and the webhook subscription read that flag and stop.
--
-- subscription_*: the identity's X Activity API `like.create` subscription.
-- The hub reconciles it with the supporter's X opt-in in a queue job (create
-- when X is on and connected, delete otherwise), retrying X's failures later,
-- so turning X on or off never waits for X.
CREATE TABLE x_tokens (
  identity_id            integer PRIMARY KEY REFERENCES identities(id),
  access_token           bytea,
  refresh_token          bytea,
  expires_at             timestamptz(3) NOT NULL,
  scopes                 text[] NOT NULL DEFAULT '{}',
  connected_at           timestamptz(3) NOT NULL DEFAULT now(),
  refreshed_at           timestamptz(3),
  disconnected_at        timestamptz(3),
  disconnect_reason      text,
  subscription_id        text,
  subscription_error     text,
  subscription_attempts  integer NOT NULL DEFAULT 0,
  subscription_retry_at  timestamptz(3)
);
