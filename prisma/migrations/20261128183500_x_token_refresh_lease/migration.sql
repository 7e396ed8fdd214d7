-- X token refresh without holding the database (issue 16's follow-up): a
-- refresh used to lock the identity's x_tokens row (SELECT … FOR UPDATE) for
-- as long as X took to answer, up to 30 s, and on the embedded PGlite, which
-- has a single session, that held every other statement of the hub. Now one
-- caller claims the refresh with a lease (one conditional UPDATE, committed
-- at once), asks X with nothing held, and stores the successor under its
-- lease; others wait for the fresh token or the lease's end.
ALTER TABLE x_tokens ADD COLUMN refresh_lease_until timestamptz(3);
