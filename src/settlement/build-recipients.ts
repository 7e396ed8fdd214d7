import type { Db, Tx } from '../db/database.js';
import { ACCOUNTS_OF_WANTED } from '../ledger/accounts.js';

/**
 * Which (recipient identity, currency) pairs a run credits:
 * - `period`: every active flattr of the period, in its supporter's currency.
 *   When every user has the same currency (the usual case) that is just the
 *   distinct identities flattred, which spares joining every flattr to its
 *   supporter. Run while the run opens.
 * - `batch`: the flattrs of one batch's frozen supporters, in their frozen
 *   currency: exact, for a batch that found a recipient missing.
 * $1 is the period, $2 the batch or the users' currencies.
 */
const SOURCES = {
  period: `
    SELECT DISTINCT f.recipient_identity_id AS identity_id, u.currency
      FROM flattrs f JOIN users u ON u.id = f.supporter_id
     WHERE f.period = $1 AND f.status = 'active'`,
  // Every user has the one currency (the usual case): just the distinct
  // identities flattred, without joining each flattr to its supporter.
  // `+ 0` keeps the planner from reading them in recipient order through the
  // recipient index, one random heap fetch per flattr: 33 s at 10M flattrs,
  // against a scan and a hash under a second.
  periodOneCurrency: `
    SELECT d.identity_id, c.currency
      FROM (SELECT DISTINCT f.recipient_identity_id + 0 AS identity_id FROM flattrs f WHERE f.period = $1 AND f.status = 'active') d
     CROSS JOIN currencies c`,
  batch: `
    SELECT DISTINCT f.recipient_identity_id AS identity_id, s.currency
      FROM settlement_supporters s JOIN flattrs f ON f.period = $1 AND f.supporter_id = s.supporter_id AND f.status = 'active'
     WHERE s.period = $1 AND s.batch = $2`,
} as const;

/** The currencies the house accounts are wanted in: the users' ($2, read once beforehand), or the batch's. */
const CURRENCIES = {
  period: `SELECT unnest($2::text[])::char(3) AS currency`,
  batch: `SELECT DISTINCT currency FROM settlement_supporters WHERE period = $1 AND batch = $2`,
} as const;

/**
 * Writes settlement_recipients rows (where each recipient's credit goes: the
 * creator's balance when the identity is claimed, else its escrow) that are
 * missing for the period, and every account they and the house (fees,
 * charity) need (ACCOUNTS_OF_WANTED), in one statement. Existing rows are
 * kept: a claim re-points them (repoint-recipient.ts), so they are never
 * stale. Call it holding the escrow fence shared, so claims wait for it.
 */
export async function buildRecipients(tx: Tx | Db, period: string, scope: { batch?: number } = {}): Promise<void> {
  // The period's source is chosen here rather than by a filter in the SQL,
  // which passed each of a million flattrs through one more plan node.
  const currencies = scope.batch !== undefined ? []
    : (await tx.$queryRawUnsafe<{ currency: string }[]>(`SELECT DISTINCT currency FROM users`)).map((r) => r.currency.trim());
  const source = scope.batch !== undefined ? 'batch' : currencies.length === 1 ? 'periodOneCurrency' : 'period';
  const params: unknown[] = [period, source === 'batch' ? scope.batch : currencies];
  await tx.$executeRawUnsafe(
    `WITH currencies AS MATERIALIZED (${CURRENCIES[source === 'batch' ? 'batch' : 'period']}),
     recipients AS MATERIALIZED (
       SELECT r.identity_id, r.currency, i.user_id AS creator_id,
              CASE WHEN i.user_id IS NULL THEN 'escrow' ELSE 'creator' END AS kind,
              CASE WHEN i.user_id IS NULL THEN i.id END AS escrow_identity_id
         FROM (${SOURCES[source]}) r
         JOIN identities i ON i.id = r.identity_id
        WHERE NOT EXISTS (SELECT 1 FROM settlement_recipients m WHERE m.period = $1 AND m.identity_id = r.identity_id AND m.currency = r.currency)
     ),
     wanted AS (
       SELECT DISTINCT kind, creator_id AS user_id, escrow_identity_id AS identity_id, currency FROM recipients
       UNION
       SELECT k, NULL::int, NULL::int, c.currency FROM currencies c CROSS JOIN (VALUES ('fees'), ('charity')) AS v(k)
     ),${ACCOUNTS_OF_WANTED}
     INSERT INTO settlement_recipients (period, identity_id, currency, creator_id, account_id)
     SELECT $1, r.identity_id, r.currency, r.creator_id, k.id
       FROM recipients r JOIN known k ON k.kind = r.kind AND k.currency = r.currency
        AND coalesce(k.user_id, 0) = coalesce(r.creator_id, 0) AND coalesce(k.identity_id, 0) = coalesce(r.escrow_identity_id, 0)
     ON CONFLICT (period, identity_id, currency) DO NOTHING`,
    ...params,
  );
}
