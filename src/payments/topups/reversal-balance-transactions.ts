import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { callStripe, DEFAULT_RETRY, type RetryPolicy } from '../stripe-client.js';

/**
 * The Stripe balance transactions (txn_…) a refund or lost dispute of a
 * top-up moved, kept on its topup_reversals row so reconciliation pairs the
 * ledger's reversal with them. Asked of Stripe once the reversal is
 * committed (a webhook handler's `after`, never while the transaction holds
 * locks), and again by reconciliation while still unknown; a row that has
 * them is left alone. Returns what the row holds now.
 */
export async function recordReversalBalanceTransactions(db: Db, stripe: Stripe, reversalId: string, policy: RetryPolicy = DEFAULT_RETRY, timeoutMs?: number): Promise<string[]> {
  const [row] = await db.$queryRawUnsafe<{ ids: string[] }[]>(`SELECT balance_transaction_ids AS ids FROM topup_reversals WHERE id = $1`, reversalId);
  if (!row || row.ids.length > 0) return row?.ids ?? [];
  const options = timeoutMs ? { timeout: timeoutMs } : undefined;
  const refund = /^refund:(ch_[^:]+):(\d+)$/.exec(reversalId);
  const dispute = /^dispute:(.+)$/.exec(reversalId);
  const ids = refund
    ? await refundTransactions(db, stripe, refund[1]!, BigInt(refund[2]!), policy, options)
    : dispute ? await disputeTransactions(stripe, dispute[1]!, policy, options) : [];
  if (ids.length === 0) return [];
  await db.$executeRawUnsafe(`UPDATE topup_reversals SET balance_transaction_ids = $2 WHERE id = $1 AND cardinality(balance_transaction_ids) = 0`, reversalId, ids);
  return ids;
}

/**
 * A refund reversal is named by the charge's running `amount_refunded`, and
 * may stand for several refunds (events come in any order: a later one
 * carries an earlier refund too). Its refunds are those whose running total,
 * in the order Stripe made them, ends after the charge's previous refund
 * reversal and at most at this one's. The charge's refunds are listed
 * (`GET /v1/refunds?charge=`): since API version 2022-11-15 a charge no
 * longer carries them unless expanded.
 */
async function refundTransactions(db: Db, stripe: Stripe, chargeId: string, total: bigint, policy: RetryPolicy, options?: Stripe.RequestOptions): Promise<string[]> {
  const [previous] = await db.$queryRawUnsafe<{ total: bigint | null }[]>(
    `SELECT max(split_part(id, ':', 3)::int8) AS total FROM topup_reversals WHERE id LIKE $1 AND split_part(id, ':', 3)::int8 < $2`,
    `refund:${chargeId}:%`, total,
  );
  const start = previous?.total ?? 0n;
  const refunds = await callStripe(async () => {
    const all: Stripe.Refund[] = [];
    for await (const r of stripe.refunds.list({ charge: chargeId, limit: 100 }, options)) all.push(r);
    return all;
  }, policy);
  // Listed newest first: reversed, refunds made in the same second keep the order they were made in.
  const ordered = refunds.filter((r) => r.status !== 'failed' && r.status !== 'canceled').reverse().sort((a, b) => a.created - b.created);
  let running = 0n;
  const ids: string[] = [];
  for (const r of ordered) {
    running += BigInt(r.amount);
    const txn = typeof r.balance_transaction === 'string' ? r.balance_transaction : r.balance_transaction?.id;
    if (running > start && running <= total && txn) ids.push(txn);
  }
  return ids;
}

/** A dispute carries its balance transactions: the withdrawal of the disputed amount (a reinstatement, when won, is positive). */
async function disputeTransactions(stripe: Stripe, disputeId: string, policy: RetryPolicy, options?: Stripe.RequestOptions): Promise<string[]> {
  const dispute = await callStripe(() => stripe.disputes.retrieve(disputeId, undefined, options), policy);
  return dispute.balance_transactions.filter((t) => t.amount < 0).map((t) => t.id);
}
