import type { LedgerCheck } from './verify-ledger.js';

/**
 * The invariants Stripe top-ups, refunds and disputes add (issue 17). A
 * receivable's balance is minus what its supporter owes, so "owed never
 * negative" is "the receivable never above zero", at every entry.
 */
export const PAYMENT_CHECKS: readonly LedgerCheck[] = [
  {
    check: 'receivable_never_negative',
    invariant: 'what a supporter owes is never below zero (a receivable never above zero)',
    sql: `SELECT 'receivable ' || account_id || ' went to ' || running || ' at entry ' || id AS detail FROM (
            SELECT e.id, e.account_id, sum(e.amount) OVER (PARTITION BY e.account_id ORDER BY e.id) AS running
              FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.kind = 'receivable') r
           WHERE running > 0 LIMIT 1`,
  },
  {
    check: 'topups_credited_once',
    invariant: 'each paid Stripe top-up is credited once, for its amount, from Stripe; nothing else is',
    sql: `SELECT coalesce('top-up ' || s.id, 'transfer ' || t.id) || ': ' ||
                 CASE WHEN s.id IS NULL THEN 'a top-up credit without a paid top-up'
                      WHEN t.id IS NULL THEN 'paid but not credited'
                      ELSE 'credited ' || coalesce(-x.amount, 0) || ' from Stripe for ' || s.amount END AS detail
            FROM (SELECT * FROM topup_sessions WHERE status = 'paid') s
            FULL JOIN (SELECT * FROM transfers WHERE kind = 'topup') t ON t.id = s.credit_transfer_id AND t.idempotency_key = 'topup:' || coalesce(s.stripe_session_id, s.payment_intent_id)
            LEFT JOIN LATERAL (SELECT sum(e.amount) AS amount FROM entries e JOIN accounts a ON a.id = e.account_id
                                WHERE e.transfer_id = t.id AND a.kind = 'external_stripe') x ON true
           WHERE s.id IS NULL OR t.id IS NULL OR coalesce(-x.amount, 0) <> s.amount LIMIT 1`,
  },
  {
    check: 'topup_reversals_within_payment',
    invariant: 'refunds and lost disputes take back at most what a top-up paid, each split exactly into wallet and receivable',
    sql: `SELECT 'top-up ' || s.id || ': ' || CASE WHEN s.refunded + s.disputed > s.amount THEN 'took back ' || (s.refunded + s.disputed) || ' of ' || s.amount
                                                 ELSE 'reversals sum to ' || coalesce(r.amount, 0) || ', refunded + disputed ' || (s.refunded + s.disputed) END AS detail
            FROM topup_sessions s
            LEFT JOIN (SELECT topup_session_id, sum(amount) AS amount, bool_and(from_wallet + to_receivable = amount AND from_wallet >= 0 AND to_receivable >= 0) AS split_ok
                         FROM topup_reversals GROUP BY 1) r ON r.topup_session_id = s.id
           WHERE s.refunded + s.disputed > s.amount OR coalesce(r.amount, 0) <> s.refunded + s.disputed OR r.split_ok = false LIMIT 1`,
  },
];
