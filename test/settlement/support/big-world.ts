import type { Db } from '../../../src/db/database.js';
import { PERIOD } from './settle-world.js';

/**
 * A larger deterministic world, set-based (for the worker and kill tests):
 * `supporters` funded supporters with `perSupporter` flattrs each over
 * `supporters / 4` recipients, every other one claimed. Same ids on every build.
 */
export async function buildBigWorld(db: Db, supporters: number, perSupporter: number): Promise<void> {
  const recipients = Math.max(2, Math.floor(supporters / 4));
  const q = (sql: string, ...params: unknown[]) => db.$executeRawUnsafe(sql, ...params);
  await q(`INSERT INTO users (id, currency) SELECT g, CASE WHEN g % 7 = 0 THEN 'USD' ELSE 'EUR' END FROM generate_series(1, $1::int) g`, supporters + recipients);
  await q(`SELECT setval('users_id_seq', $1::int)`, supporters + recipients);
  await q(`INSERT INTO identities (platform, external_id, user_id) SELECT 'slack', 'T1:S' || g, g FROM generate_series(1, $1::int) g`, supporters);
  await q(`INSERT INTO identities (platform, external_id, user_id)
           SELECT 'slack', 'T1:R' || g, CASE WHEN g % 2 = 0 THEN $1::int + g END FROM generate_series(1, $2::int) g`, supporters, recipients);
  await q(`INSERT INTO supporter_settings (user_id, budget_minor, platforms) SELECT g, 100 + (g * 37) % 900, '{slack}' FROM generate_series(1, $1::int) g`, supporters);
  await q(`INSERT INTO accounts (kind, currency) VALUES ('external', 'EUR'), ('external', 'USD')`);
  await q(`INSERT INTO accounts (kind, user_id, currency) SELECT 'wallet', u.id, u.currency FROM users u WHERE u.id <= $1::int AND u.id % 11 <> 0`, supporters);
  await q(`INSERT INTO transfers (kind, idempotency_key) VALUES ('funding', 'big-world-funding')`);
  await q(`INSERT INTO entries (transfer_id, account_id, currency, amount)
           SELECT 1, a.id, a.currency, 50 + (a.user_id * 53) % 1200 FROM accounts a WHERE a.kind = 'wallet'`);
  await q(`INSERT INTO entries (transfer_id, account_id, currency, amount)
           SELECT 1, x.id, x.currency, -s.total FROM accounts x
             JOIN (SELECT currency, sum(amount) AS total FROM entries WHERE transfer_id = 1 GROUP BY currency) s ON s.currency = x.currency
            WHERE x.kind = 'external'`);
  await q(`INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, period, occurred_at, status, source_event_id)
           SELECT 1 + (g % $1::int), $1::int + 1 + ((g * 7919) % $3::int), 'slack', 'T1:C1:' || g, $4, '2026-10-15T12:00:00Z',
                  CASE WHEN g % 13 = 0 THEN 'revoked' ELSE 'active' END, 'ev' || g
             FROM generate_series(1, $1::int * $2::int) g`, supporters, perSupporter, recipients, PERIOD);
  await q(`ANALYZE`);
}
