-- Web sign-in (DESIGN.md section 4, HTTP): one-time sign-in links, browser
-- sessions and API tokens. Only SHA-256 hashes of the secrets are stored, so a
-- copy of the database signs nobody in; the secret itself exists only in the
-- link, the cookie or the script that holds it.

-- A one-time sign-in link (`/flattr login`, `flattr login-link`): bound to a
-- user, valid 15 minutes, spent by the first GET /login/<token>.
CREATE TABLE login_tokens (
  token_hash  text PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users(id),
  expires_at  timestamptz(3) NOT NULL,
  used_at     timestamptz(3),
  created_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX login_tokens_expires_at ON login_tokens (expires_at);

-- A browser session, server-side so that logout (or an operator) really ends it.
-- expires_at slides forward with use; ends_at is the absolute limit.
CREATE TABLE web_sessions (
  id_hash     text PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users(id),
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  seen_at     timestamptz(3) NOT NULL DEFAULT now(),
  expires_at  timestamptz(3) NOT NULL,
  ends_at     timestamptz(3) NOT NULL
);
CREATE INDEX web_sessions_user_id ON web_sessions (user_id);
CREATE INDEX web_sessions_ends_at ON web_sessions (ends_at);

-- A script's `Authorization: Bearer` token, shown once when created; revoking deletes the row.
CREATE TABLE api_tokens (
  id            serial PRIMARY KEY,
  user_id       integer NOT NULL REFERENCES users(id),
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at  timestamptz(3)
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);
