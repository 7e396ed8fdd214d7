-- Operators (docs/contracts.md, HTTP: /admin): a user marked admin by
-- `flattr admin grant --platform P --external-id ID` (and unmarked by
-- `flattr admin revoke`) sees the operator pages and API with their own
-- session or API token, besides whoever holds ADMIN_TOKEN.
ALTER TABLE users ADD COLUMN admin boolean NOT NULL DEFAULT false;
