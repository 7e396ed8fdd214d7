import type { Db } from '../db/database.js';
import { PAYMENT_CHECKS } from './verify-payments.js';
import { PAYOUT_CHECKS } from '../payments/payouts/payout-checks.js';

/** `check` is a stable name (a metric label, `flattr_ledger_ok{check}`); `invariant` is what it means, for people. */
export type LedgerCheck = { check: string; invariant: string; sql: string };
export type BrokenCheck = { check: string; invariant: string; detail: string };
/** On failure, `invariant`/`detail` name the first broken check, and `broken` lists every broken one checked. */
export type LedgerVerdict =
  | { ok: true; checked: string[] }
  | { ok: false; check: string; invariant: string; detail: string; checked: string[]; broken: BrokenCheck[] };

/**
 * Money rule 10, as queries that return the first offending row (or none).
 * Order matters only for the report: the first broken one is named.
 */
export const LEDGER_CHECKS: readonly LedgerCheck[] = [
  {
    check: 'transfers_balance',
    invariant: 'every transfer sums to zero per currency',
    sql: `SELECT 'transfer ' || transfer_id || ' sums to ' || sum(amount) || ' ' || currency AS detail
            FROM entries GROUP BY transfer_id, currency HAVING sum(amount) <> 0 LIMIT 1`,
  },
  {
    check: 'entries_reference',
    invariant: 'every entry belongs to an existing transfer and account',
    sql: `SELECT 'entry ' || e.id || ' names ' || CASE WHEN t.id IS NULL THEN 'missing transfer ' || e.transfer_id ELSE 'missing account ' || e.account_id END AS detail
            FROM entries e LEFT JOIN transfers t ON t.id = e.transfer_id LEFT JOIN accounts a ON a.id = e.account_id
           WHERE t.id IS NULL OR a.id IS NULL LIMIT 1`,
  },
  {
    check: 'entries_currency',
    invariant: 'every entry is in its account currency',
    sql: `SELECT 'entry ' || e.id || ' is ' || e.currency || ' on a ' || a.currency || ' account' AS detail
            FROM entries e JOIN accounts a ON a.id = e.account_id WHERE e.currency <> a.currency LIMIT 1`,
  },
  {
    check: 'charged_within_budget',
    invariant: 'per supporter charged ≤ budget',
    sql: `SELECT 'supporter ' || supporter_id || ' in ' || period || ' charged ' || charged || ' over budget ' || budget AS detail
            FROM supporter_settlements WHERE charged > budget OR charged < 0 LIMIT 1`,
  },
  {
    check: 'wallets_never_negative',
    invariant: 'per supporter charged ≤ wallet (no wallet ever below zero)',
    sql: `SELECT 'wallet ' || account_id || ' went to ' || running || ' at entry ' || id AS detail FROM (
            SELECT e.id, e.account_id, sum(e.amount) OVER (PARTITION BY e.account_id ORDER BY e.id) AS running
              FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.kind = 'wallet') w
           WHERE running < 0 LIMIT 1`,
  },
  {
    check: 'wallet_debit_matches_charge',
    invariant: 'each settlement transfer debits the wallet exactly what was charged',
    sql: `SELECT 'supporter ' || s.supporter_id || ' in ' || s.period || ': charged ' || s.charged || ', wallet debited ' || coalesce(-w.amount, 0) AS detail
            FROM supporter_settlements s
            LEFT JOIN (SELECT e.transfer_id, sum(e.amount) AS amount FROM entries e JOIN accounts a ON a.id = e.account_id
                        WHERE a.kind = 'wallet' GROUP BY e.transfer_id) w ON w.transfer_id = s.transfer_id
           WHERE (s.transfer_id IS NULL AND s.charged <> 0) OR (s.transfer_id IS NOT NULL AND coalesce(-w.amount, 0) <> s.charged) LIMIT 1`,
  },
  {
    check: 'fee_exact',
    invariant: 'fee exactly F = ⌊A × FEE_BPS / 10000⌋',
    sql: `SELECT 'supporter ' || s.supporter_id || ' in ' || s.period || ': fee ' || s.fee || ', expected ' ||
                 CASE WHEN s.flattrs > 0 THEN s.charged * r.fee_bps / 10000 ELSE 0 END AS detail
            FROM supporter_settlements s JOIN settlement_runs r ON r.period = s.period
           WHERE s.fee <> CASE WHEN s.flattrs > 0 THEN s.charged * r.fee_bps / 10000 ELSE 0 END LIMIT 1`,
  },
  {
    check: 'shares_sum',
    invariant: 'Σ shares = charged − fee per supporter',
    sql: `SELECT 'supporter ' || s.supporter_id || ' in ' || s.period || ': shares ' || f.total || ', charged − fee ' || (s.charged - s.fee) AS detail
            FROM supporter_settlements s
           CROSS JOIN LATERAL (SELECT coalesce(sum(x), 0) AS total FROM unnest(s.shares) x) f
           WHERE s.flattrs > 0 AND f.total <> s.charged - s.fee LIMIT 1`,
  },
  {
    // The split's arrays have one slot per counted flattr (a CHECK constraint);
    // this checks what the slots name.
    check: 'split_names_own_flattrs',
    invariant: 'each split names the supporter’s own active flattrs of the period, once each',
    sql: `SELECT 'supporter ' || c.supporter_id || ' in ' || c.period || ': split names ' || c.distinct_ids || ' distinct flattrs, '
                 || c.own || ' of them their own active ones, of ' || c.flattrs AS detail
            FROM (SELECT s.supporter_id, s.period, s.flattrs, count(DISTINCT u.id) AS distinct_ids, count(DISTINCT f.id) AS own
                    FROM supporter_settlements s
                   CROSS JOIN LATERAL unnest(s.flattr_ids) AS u(id)
                    LEFT JOIN flattrs f ON f.id = u.id AND f.supporter_id = s.supporter_id AND f.period = s.period AND f.status = 'active'
                   GROUP BY s.supporter_id, s.period, s.flattrs) c
           WHERE c.distinct_ids <> c.flattrs OR c.own <> c.flattrs LIMIT 1`,
  },
  {
    check: 'period_totals',
    invariant: 'Σ credits + escrow + fees (+ charity) = Σ charged',
    sql: `SELECT 'period ' || s.period || ' ' || s.currency || ': charged ' || s.charged || ', credited ' || coalesce(t.credited, 0) AS detail
            FROM (SELECT period, currency, sum(charged) AS charged FROM supporter_settlements GROUP BY 1, 2) s
            LEFT JOIN (SELECT t.period, e.currency, sum(e.amount) AS credited
                         FROM transfers t JOIN entries e ON e.transfer_id = t.id JOIN accounts a ON a.id = e.account_id
                        WHERE t.kind = 'settlement' AND a.kind IN ('creator', 'escrow', 'fees', 'charity') GROUP BY 1, 2) t
              ON t.period = s.period AND t.currency = s.currency
           WHERE coalesce(t.credited, 0) <> s.charged LIMIT 1`,
  },
  {
    check: 'balances_non_negative',
    invariant: 'no balance below zero',
    sql: `SELECT a.kind || ' account ' || a.id || ' (' || a.currency || ') is at ' || sum(e.amount) AS detail
            FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.kind NOT IN ('external', 'external_stripe', 'receivable')
           GROUP BY a.id HAVING sum(e.amount) < 0 LIMIT 1`,
  },
  ...PAYMENT_CHECKS,
  ...PAYOUT_CHECKS,
  {
    check: 'escrow_per_payer_non_negative',
    invariant: 'no supporter’s escrow below zero',
    sql: `SELECT 'escrow account ' || a.id || ' holds ' || sum(e.amount) || ' of supporter ' || coalesce(e.payer_user_id::text, 'unknown') AS detail
            FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.kind = 'escrow'
           GROUP BY a.id, e.payer_user_id HAVING sum(e.amount) < 0 OR e.payer_user_id IS NULL LIMIT 1`,
  },
];

/**
 * Runs the checks of rule 10 and stops at the first broken one, or with
 * `all` runs every one (the self-check sets a gauge per check). `checked`
 * lists the invariants that hold.
 */
export async function verifyLedger(db: Db, options: { all?: boolean } = {}): Promise<LedgerVerdict> {
  const checked: string[] = [];
  const broken: BrokenCheck[] = [];
  for (const { check, invariant, sql } of LEDGER_CHECKS) {
    const [row] = await db.$queryRawUnsafe<{ detail: string }[]>(sql);
    if (!row) {
      checked.push(invariant);
      continue;
    }
    broken.push({ check, invariant, detail: row.detail });
    if (!options.all) break;
  }
  if (broken.length === 0) return { ok: true, checked };
  return { ok: false, ...broken[0]!, checked, broken };
}
