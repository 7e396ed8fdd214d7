-- Notices (DESIGN.md section 8): an outbox row per message, whose key makes
-- it once-only. The notifications table of the first migration was never
-- written by any code; it is rebuilt with the key section 8 needs (a digest
-- is per community channel, not per identity, and may be split in parts).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM notifications) THEN
    RAISE EXCEPTION 'notifications holds rows, but no release ever wrote it: inspect them before migrating';
  END IF;
END
$$;
DROP TABLE notifications;

-- kind, period, target, part: the once-only key. target is '<platform>:<community>'
-- for a digest and 'user:<id>' for a DM, so a person with linked accounts gets one
-- statement. The payload is rendered when the row is derived, so every attempt
-- sends the same bytes (and Discord's nonce, derived from the key, can dedupe them).
CREATE TABLE notifications (
  id                     bigserial PRIMARY KEY,
  kind                   text NOT NULL,
  period                 char(7) NOT NULL,
  target                 text NOT NULL,
  part                   integer NOT NULL DEFAULT 1,
  parts                  integer NOT NULL DEFAULT 1,
  platform               text NOT NULL,
  -- Slack team or Discord guild the message is sent through ('' for a Discord DM).
  community              text NOT NULL DEFAULT '',
  -- A digest's channel; null for a DM (the DM channel is opened when sending).
  channel                text,
  recipient_identity_id  integer REFERENCES identities(id),
  locale                 text NOT NULL DEFAULT 'en',
  payload                text NOT NULL,
  status                 text NOT NULL DEFAULT 'pending',
  reason                 text,
  -- A failure that may succeed later (attempts ran out on errors such as 5xx): flattr notify tries it again.
  retryable              boolean NOT NULL DEFAULT false,
  attempts               integer NOT NULL DEFAULT 0,
  last_error             text,
  attempted_at           timestamptz(3),
  -- While status is 'sending': nobody else sends it before this time (a crashed sender's row is taken over after).
  lease_until            timestamptz(3),
  message_id             text,
  sent_at                timestamptz(3),
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT notifications_key UNIQUE (kind, period, target, part),
  CONSTRAINT notifications_kind_check CHECK (kind IN ('digest', 'statement', 'creator')),
  CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  CONSTRAINT notifications_part_check CHECK (part BETWEEN 1 AND parts)
);
-- What is still to send: the catch-up and flattr notify read only these.
CREATE INDEX notifications_open_idx ON notifications (period, id) WHERE status IN ('pending', 'sending') OR (status = 'failed' AND retryable);

-- A period whose notices were derived (once, under an advisory lock). The
-- catch-up derives every settled run missing here. Periods settled before
-- notices existed are marked done: nobody is told of them months late.
CREATE TABLE notice_periods (
  period      char(7) PRIMARY KEY,
  notices     integer NOT NULL DEFAULT 0,
  derived_at  timestamptz(3) NOT NULL DEFAULT now()
);
INSERT INTO notice_periods (period) SELECT period FROM settlement_runs WHERE status = 'settled';

-- Escrow reminders (section 8): once per identity, in the digest that carried it.
CREATE TABLE escrow_reminders (
  identity_id  integer PRIMARY KEY REFERENCES identities(id),
  platform     text NOT NULL,
  community    text NOT NULL,
  period       char(7) NOT NULL,
  reminded_at  timestamptz(3) NOT NULL DEFAULT now()
);

-- /flattr channel off stops a community's digests (the chosen channel is kept for /flattr channel);
-- locale: the community's language for its digests (Discord: the server's; Slack: the admin's who chose the channel).
ALTER TABLE communities
  ADD COLUMN digests_off boolean NOT NULL DEFAULT false,
  ADD COLUMN locale      text;

-- /flattr mentions off: digests name this identity in plain text instead of mentioning it.
ALTER TABLE identities ADD COLUMN mentions boolean NOT NULL DEFAULT true;

-- Set by /flattr statement on (and cleared by off): the explicit consent that the
-- creator DM and any DM on X need (X's rules); the supporter statement on Slack and
-- Discord needs only statement_dms, on by default.
ALTER TABLE supporter_settings ADD COLUMN statements_opted_in boolean NOT NULL DEFAULT false;
