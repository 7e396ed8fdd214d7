import type { LedgerCheck } from '../../ledger/verify-ledger.js';

/**
 * Ledger invariants of payouts (`flattr ledger verify`, the self-check):
 * the ledger moved exactly what each payout row says, once (the debit, and
 * what came back: whole by return_transfer_id, or in parts by
 * payout_reversals), and nothing was paid out or returned without a row. The ledger's payout legs are summed once per run
 * (entries are not indexed by transfer), joined to the rows.
 */
export const PAYOUT_CHECKS: readonly LedgerCheck[] = [
  {
    check: 'payouts_match_ledger',
    invariant: 'each payout debited its creator exactly its amount to external_stripe, once; what came back (returned whole, or reversed in parts) is exactly what the ledger gave back, never more than was paid',
    sql: `WITH legs AS (
            SELECT e.transfer_id, t.kind,
                   sum(e.amount) FILTER (WHERE a.kind = 'creator') AS creator,
                   sum(e.amount) FILTER (WHERE a.kind = 'external_stripe') AS stripe,
                   min(a.user_id) FILTER (WHERE a.kind = 'creator') AS user_id
              FROM entries e JOIN transfers t ON t.id = e.transfer_id JOIN accounts a ON a.id = e.account_id
             WHERE t.kind IN ('payout', 'payout_return') GROUP BY e.transfer_id, t.kind),
          parts AS (
            SELECT r.payout_id, sum(r.amount) AS amount,
                   bool_and(l.kind IS NOT DISTINCT FROM 'payout_return' AND l.creator = r.amount AND l.stripe = -r.amount AND l.user_id = p.user_id) AS legs_ok
              FROM payout_reversals r JOIN payouts p ON p.id = r.payout_id LEFT JOIN legs l ON l.transfer_id = r.transfer_id
             GROUP BY r.payout_id)
          SELECT 'payout ' || p.id || ' of ' || p.amount || ' ' || p.currency || ' (' || p.status || '): ledger debit ' || coalesce(-d.creator, 0)
                 || ', return ' || coalesce(r.creator, 0) || ', reversed parts ' || coalesce(b.amount, 0) || ', recorded returned ' || p.returned AS detail
            FROM payouts p LEFT JOIN legs d ON d.transfer_id = p.ledger_transfer_id LEFT JOIN legs r ON r.transfer_id = p.return_transfer_id
            LEFT JOIN parts b ON b.payout_id = p.id
           WHERE d.kind IS DISTINCT FROM 'payout' OR coalesce(d.creator, 0) <> -p.amount OR coalesce(d.stripe, 0) <> p.amount OR d.user_id IS DISTINCT FROM p.user_id
              OR (p.return_transfer_id IS NOT NULL AND (r.kind IS DISTINCT FROM 'payout_return' OR coalesce(r.creator, 0) <> p.amount OR coalesce(r.stripe, 0) <> -p.amount))
              OR b.legs_ok IS FALSE
              OR coalesce(r.creator, 0) + coalesce(b.amount, 0) <> p.returned OR p.returned > p.amount
              OR (p.status = 'returned') <> (p.returned = p.amount)
          UNION ALL
          SELECT 'ledger transfer ' || l.transfer_id || ' (' || l.kind || ') belongs to no payout' FROM legs l
           WHERE NOT EXISTS (SELECT 1 FROM payouts p WHERE p.ledger_transfer_id = l.transfer_id OR p.return_transfer_id = l.transfer_id)
             AND NOT EXISTS (SELECT 1 FROM payout_reversals r WHERE r.transfer_id = l.transfer_id)
          LIMIT 1`,
  },
];
