-- Polling X likes (issue 16, TWITTER_MODE=poll or both): what the poller
-- knows of each polled X identity. GET /2/users/:id/liked_tweets lists a
-- user's likes newest first and says nothing of when each like happened, so
-- the hub keeps the recent likes it last read (to tell new likes from old and
-- to notice a like taken back), stamping each with when it was first seen.
--
-- recent_likes: JSON [{id, author, seenAt}], newest first: the likes read by
--   the last complete poll (at most TWITTER_POLL_MAX_PAGES pages).
-- scan: JSON {nextToken, items, pages} of a poll that stopped part way (X's
--   429, a rate limit spent, an error): the next poll resumes it from
--   nextToken with what it had read, so no like is lost or read as new twice.
-- pending: JSON LikeEvents decided by a poll and not yet handed to the likes
--   queue; written in the same statement as the poll's result, so a crash
--   between the two re-sends the same events (same event ids) instead of
--   losing or re-stamping them.
-- baselined: false until a poll has read the likes as they were when polling
--   began (connect, X turned on again): those are not new likes.
-- next_poll_at: when the poll tick may take this identity again (interval,
--   X's rate-limit reset, a back-off after errors, or a lease while queued).
CREATE TABLE x_poll_state (
  identity_id     integer PRIMARY KEY REFERENCES identities(id),
  recent_likes    text NOT NULL DEFAULT '[]',
  scan            text,
  pending         text NOT NULL DEFAULT '[]',
  baselined       boolean NOT NULL DEFAULT false,
  next_poll_at    timestamptz(3) NOT NULL DEFAULT now(),
  last_polled_at  timestamptz(3),
  failures        integer NOT NULL DEFAULT 0,
  last_error      text,
  updated_at      timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX x_poll_state_due ON x_poll_state (next_poll_at);
