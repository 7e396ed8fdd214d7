import { z } from 'zod';
import type { Tx } from '../../db/database.js';
import type { StripeEventHandler } from '../webhook/handler.js';
import { recordReversalBalanceTransactions } from './reversal-balance-transactions.js';
import { lockUser, postTopupReversal } from './topup-ledger.js';
import { lockTopupByPaymentIntent, type TopupRow } from './topup-row.js';

const chargeSchema = z.object({
  id: z.string().min(1),
  amount_refunded: z.number().int().min(0),
  currency: z.string(),
  payment_intent: z.string().nullable(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
}).passthrough();

const disputeSchema = z.object({
  id: z.string().min(1),
  amount: z.number().int().min(0),
  currency: z.string(),
  status: z.string(),
  charge: z.union([z.string(), z.object({ id: z.string() }).passthrough()]),
  payment_intent: z.string().nullable().optional(),
}).passthrough();

/**
 * The top-up a charge paid. A charge the hub marked as a top-up
 * (flattr_topup_id) whose credit has not been processed yet (events come in
 * any order) throws, so Stripe delivers the refund again after the credit.
 */
async function topupOfCharge(tx: Tx, paymentIntent: string | null | undefined, metadata: Record<string, string> | null | undefined): Promise<TopupRow | undefined> {
  const row = paymentIntent ? await lockTopupByPaymentIntent(tx, paymentIntent) : undefined;
  // A monthly top-up knows its intent before it is credited: its refund waits for the credit too.
  if (row && row.status !== 'paid') throw new Error(`top-up ${row.id} is not credited yet: its refund or dispute waits for Stripe's next delivery`);
  if (!row && metadata?.flattr_topup_id) throw new Error(`top-up ${metadata.flattr_topup_id} is not credited yet: its refund or dispute waits for Stripe's next delivery`);
  return row;
}

async function reverse(tx: Tx, row: TopupRow, kind: 'refund' | 'dispute', wanted: bigint, reversalId: string): Promise<string> {
  // Never more back than was paid, whatever the mix of refunds and disputes.
  const left = row.amount - row.refunded - row.disputed;
  const amount = wanted < left ? wanted : left;
  if (amount <= 0n) return `ignored: nothing of top-up ${row.id} left to take back`;
  await lockUser(tx, row.user_id);
  const r = await postTopupReversal(tx, { userId: row.user_id, currency: row.currency, amount, reversalId, memo: `stripe ${kind} ${reversalId}` });
  await tx.$executeRawUnsafe(
    `INSERT INTO topup_reversals (id, topup_session_id, kind, amount, from_wallet, to_receivable, transfer_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO NOTHING`,
    reversalId, row.id, kind, amount, r.fromWallet, r.toReceivable, r.transferId,
  );
  await tx.$executeRawUnsafe(
    `UPDATE topup_sessions SET ${kind === 'refund' ? 'refunded = refunded' : 'disputed = disputed'} + $2, updated_at = now() WHERE id = $1`,
    row.id, amount,
  );
  return `${kind}: ${r.fromWallet} ${row.currency} from the wallet${r.toReceivable > 0n ? `, ${r.toReceivable} owed (auto-flattring paused until settled)` : ''} (top-up ${row.id})`;
}

/** Short: these lookups run before the webhook is answered; reconciliation asks again for any still unknown. */
const AFTER_RETRY = { attempts: 2, baseDelayMs: 200, maxDelayMs: 400 };
const AFTER_TIMEOUT_MS = 3_000;

/**
 * charge.refunded: amount_refunded is the charge's running total, so what is
 * new is that total minus what the hub already took back for refunds; the
 * reversal is named by the charge and that total, once. Its refunds'
 * balance transactions are looked up afterwards, for reconciliation.
 */
export const refundHandler: StripeEventHandler = {
  async handle(tx, event) {
    const charge = chargeSchema.parse(event.data.object);
    const row = await topupOfCharge(tx, charge.payment_intent, charge.metadata);
    if (!row) return 'ignored: not a flattr top-up';
    const fresh = BigInt(charge.amount_refunded) - row.refunded;
    if (fresh <= 0n) return `ignored: refunds of ${charge.id} already taken back`;
    return reverse(tx, row, 'refund', fresh, `refund:${charge.id}:${charge.amount_refunded}`);
  },
  async after(db, event, ctx) {
    const charge = chargeSchema.parse(event.data.object);
    await recordReversalBalanceTransactions(db, ctx.stripe, `refund:${charge.id}:${charge.amount_refunded}`, AFTER_RETRY, AFTER_TIMEOUT_MS);
  },
};

/**
 * charge.dispute.closed: a lost dispute takes the disputed amount back; won
 * or warning-closed ones change nothing. The dispute's balance transactions
 * are read afterwards (GET /v1/disputes/:id), for reconciliation.
 */
export const disputeLostHandler: StripeEventHandler = {
  async handle(tx, event) {
    const dispute = disputeSchema.parse(event.data.object);
    if (dispute.status !== 'lost') return `ignored: dispute ${dispute.status}`;
    const row = await topupOfCharge(tx, dispute.payment_intent, undefined);
    if (!row) return 'ignored: not a flattr top-up';
    return reverse(tx, row, 'dispute', BigInt(dispute.amount), `dispute:${dispute.id}`);
  },
  async after(db, event, ctx) {
    const dispute = disputeSchema.parse(event.data.object);
    if (dispute.status === 'lost') await recordReversalBalanceTransactions(db, ctx.stripe, `dispute:${dispute.id}`, AFTER_RETRY, AFTER_TIMEOUT_MS);
  },
};
