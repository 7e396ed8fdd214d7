-- An account belongs to a user (wallet, creator), to an identity (escrow) or
-- to the house (fees, charity, external), never to both a user and an
-- identity. Finding accounts by owner (src/ledger/accounts.ts) relies on it
-- to probe the unique index instead of reading every account.
ALTER TABLE accounts ADD CONSTRAINT accounts_one_owner_check CHECK (user_id IS NULL OR identity_id IS NULL);
