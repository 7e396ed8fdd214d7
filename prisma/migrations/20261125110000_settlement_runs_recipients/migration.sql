-- How many recipients (settlement_recipients rows) a run opened with: its
-- batches probe them one flattr at a time rather than hash them all when
-- they far outnumber a batch's flattrs (settle-batch-sql.ts). NULL for runs
-- opened before: they hash, as they always did.
ALTER TABLE settlement_runs ADD COLUMN recipients integer;
