-- Settlement writes one share per flattr (issue 4); each index on
-- flattr_shares is paid on every one of them. Shares of a period are reached
-- through flattrs (its (period, supporter_id) index) and the flattr_id key,
-- so the period index only cost writes: about 13% of a settlement at 1M flattrs.
DROP INDEX flattr_shares_period_idx;
