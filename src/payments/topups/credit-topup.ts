import { z } from 'zod';
import type { Db } from '../../db/database.js';
import { callStripe } from '../stripe-client.js';
import type { StripeEventHandler } from '../webhook/handler.js';
import { lockUser, postTopupCredit } from './topup-ledger.js';
import { lockTopupBySession } from './topup-row.js';

/** The fields of a Checkout Session the hub reads (https://docs.stripe.com/api/checkout/sessions/object). */
const sessionSchema = z.object({
  id: z.string().min(1),
  mode: z.string(),
  payment_status: z.string(),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() }).passthrough()]).nullable().optional(),
}).passthrough();

/**
 * checkout.session.completed (payment_status paid) and
 * checkout.session.async_payment_succeeded: the one way a Stripe top-up
 * reaches a wallet. The session must be one the hub created, for the amount,
 * currency and supporter it recorded; anything else is recorded as refused
 * and credits nothing. What the supporter owes is settled first.
 */
export const creditTopupHandler: StripeEventHandler = {
  async handle(tx, event) {
    const session = sessionSchema.parse(event.data.object);
    if (session.mode !== 'payment') return `ignored: a ${session.mode} session`;
    if (session.payment_status !== 'paid') return `waiting: payment ${session.payment_status}`;
    const row = await lockTopupBySession(tx, session.id, session.metadata?.flattr_topup_id);
    if (!row) return 'ignored: not a flattr top-up';
    const currency = session.currency?.toUpperCase();
    if (BigInt(session.amount_total ?? -1) !== row.amount || currency !== row.currency || session.client_reference_id !== String(row.user_id)) {
      return `refused: session ${session.id} says ${session.amount_total} ${currency} for ${session.client_reference_id}, top-up ${row.id} is ${row.amount} ${row.currency} for ${row.user_id}`;
    }
    await lockUser(tx, row.user_id);
    const credit = await postTopupCredit(tx, { userId: row.user_id, currency: row.currency, amount: row.amount, sessionId: session.id });
    const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id ?? null;
    await tx.$executeRawUnsafe(
      `UPDATE topup_sessions SET status = 'paid', stripe_session_id = $2, payment_intent_id = coalesce($3, payment_intent_id),
              credit_transfer_id = $4, updated_at = now() WHERE id = $1`,
      row.id, session.id, paymentIntent, credit.transferId,
    );
    if (!credit.created) return `already credited by transfer ${credit.transferId}`;
    return `credited ${credit.toWallet} ${row.currency} to the wallet${credit.settled > 0n ? `, ${credit.settled} to what was owed` : ''} (top-up ${row.id})`;
  },
  after: (db, event, ctx) => recordStripeFee(db, ctx.stripe, sessionSchema.parse(event.data.object).id),
};

/**
 * The Stripe fee of a paid top-up, from its charge's balance transaction
 * (known once Stripe has it: "where known"). It is recorded on the top-up
 * row, not in the ledger: the hub absorbs it and the wallet gets the full
 * amount; reconciliation reads the net from Stripe. `stripeRef` names the
 * top-up by its Checkout Session, or a monthly one by its PaymentIntent.
 */
export async function recordStripeFee(db: Db, stripe: Parameters<NonNullable<StripeEventHandler['after']>>[2]['stripe'], stripeRef: string): Promise<void> {
  const [row] = await db.$queryRawUnsafe<{ id: bigint; payment_intent_id: string | null }[]>(
    `SELECT id, payment_intent_id FROM topup_sessions WHERE (stripe_session_id = $1 OR payment_intent_id = $1) AND status = 'paid' AND stripe_fee IS NULL`, stripeRef,
  );
  if (!row?.payment_intent_id) return;
  const intentId = row.payment_intent_id;
  // Short: this runs before the webhook is answered, and the fee can wait for the next look (it is "where known").
  const intent = await callStripe(() => stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge.balance_transaction'] }, { timeout: 3_000 }), { attempts: 2, baseDelayMs: 200, maxDelayMs: 400 });
  const charge = intent.latest_charge;
  const txn = charge && typeof charge !== 'string' ? charge.balance_transaction : null;
  if (!txn || typeof txn === 'string') return;
  await db.$executeRawUnsafe(
    `UPDATE topup_sessions SET stripe_fee = $2, balance_transaction_id = $3, updated_at = now() WHERE id = $1`,
    row.id, BigInt(txn.fee), txn.id,
  );
}
