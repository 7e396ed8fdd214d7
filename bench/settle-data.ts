import type pg from 'pg';

/** The world, set-based: supporters with budgets and funded wallets, creators half claimed, 10-ish flattrs each. */
export async function generateSettleWorld(client: pg.Client, flattrs: number, supporters: number, period: string): Promise<void> {
  const recipients = Math.max(1, Math.floor(supporters / 5));
  const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
  await q(`INSERT INTO users (id, currency) SELECT g, 'EUR' FROM generate_series(1, $1::int + $2::int) g`, [supporters, recipients]);
  await q(`SELECT setval('users_id_seq', $1::int + $2::int)`, [supporters, recipients]);
  await q(`INSERT INTO identities (platform, external_id, user_id) SELECT 'slack', 'T1:S' || g, g FROM generate_series(1, $1::int) g`, [supporters]);
  // Recipients: every other one claimed by a creator user, the rest unclaimed (escrow).
  await q(`INSERT INTO identities (platform, external_id, user_id)
           SELECT 'slack', 'T1:R' || g, CASE WHEN g % 2 = 0 THEN $1::int + g END FROM generate_series(1, $2::int) g`, [supporters, recipients]);
  await q(`INSERT INTO supporter_settings (user_id, budget_minor, platforms)
           SELECT g, 500 + (hashint4(g) & 4095), '{slack}' FROM generate_series(1, $1::int) g`, [supporters]);
  await q(`INSERT INTO accounts (kind, currency) VALUES ('external', 'EUR')`);
  await q(`INSERT INTO accounts (kind, user_id, currency) SELECT 'wallet', g, 'EUR' FROM generate_series(1, $1::int) g`, [supporters]);
  await q(`INSERT INTO transfers (kind, idempotency_key) VALUES ('funding', 'bench-funding')`);
  await q(`INSERT INTO entries (transfer_id, account_id, currency, amount)
           SELECT 1, a.id, 'EUR', 3000 + (hashint4(a.user_id + 7) & 4095) FROM accounts a WHERE a.kind = 'wallet'`);
  await q(`INSERT INTO entries (transfer_id, account_id, currency, amount)
           SELECT 1, (SELECT id FROM accounts WHERE kind = 'external'), 'EUR', -sum(amount) FROM entries WHERE transfer_id = 1`);
  await q(`INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, period, occurred_at, status, source_event_id)
           SELECT 1 + (g % $2::int), $2::int + 1 + ((hashint8(g) & 2147483647) % $3::int), 'slack', 'T1:C1:' || g, $4,
                  '2026-10-15T12:00:00Z', CASE WHEN g % 20 = 0 THEN 'revoked' ELSE 'active' END, 'ev' || g
             FROM generate_series(1, $1::int) g`, [flattrs, supporters, recipients, period]);
  await q(`VACUUM ANALYZE`);
}

