-- Entries by transfer, without slowing settlement down. The B-tree on
-- entries(transfer_id) was dropped (20261125050000) because it cost every
-- settlement entry a third of its write; since then a key used again
-- (money rule 11: a redelivered Stripe event, a repeated `wallet credit`)
-- read its transfer's entries by a full scan (162 ms at 3 million entries,
-- growing with the ledger), inside the transaction that holds the user's
-- lock. Entries are appended in about the order of their transfer ids, so a
-- BRIN index (block ranges: 24 kB for 3 million rows, nearly free to keep up)
-- finds them in 2 ms at that size.
CREATE INDEX entries_transfer_id_brin ON entries USING brin (transfer_id) WITH (autosummarize = on);
