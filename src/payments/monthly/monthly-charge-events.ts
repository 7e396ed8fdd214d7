import { z } from 'zod';
import type { Tx } from '../../db/database.js';
import { recordStripeFee } from '../topups/credit-topup.js';
import { lockUser, postTopupCredit } from '../topups/topup-ledger.js';
import type { StripeEventHandler } from '../webhook/handler.js';
import { failureReason, markFailed } from './charge-monthly-topup.js';

/** The fields of a PaymentIntent the hub reads (https://docs.stripe.com/api/payment_intents/object). */
const intentSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  amount: z.number().int(),
  amount_received: z.number().int().optional(),
  currency: z.string(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  last_payment_error: z.object({ code: z.string().optional(), decline_code: z.string().optional(), message: z.string().optional() }).passthrough().nullable().optional(),
}).passthrough();

type ChargeRow = { id: bigint; user_id: number; amount: bigint; currency: string; status: string; payment_intent_id: string | null };

/**
 * The monthly charge a PaymentIntent pays, locked: by its id, or by the row
 * id the hub put in its metadata (the webhook can come before the run wrote
 * the intent's id). Checkout top-ups' intents carry a top-up id too, but no
 * period: their session credits them, never this.
 */
async function lockMonthlyCharge(tx: Tx, intent: z.infer<typeof intentSchema>): Promise<ChargeRow | undefined> {
  if (!intent.metadata?.flattr_monthly_period) return undefined;
  const topupId = intent.metadata.flattr_topup_id;
  const rows = await tx.$queryRawUnsafe<ChargeRow[]>(
    `SELECT id, user_id, amount, trim(currency) AS currency, status, payment_intent_id FROM topup_sessions
      WHERE monthly_period IS NOT NULL AND (payment_intent_id = $1 OR ($2::int8 IS NOT NULL AND id = $2::int8 AND payment_intent_id IS NULL))
      ORDER BY payment_intent_id NULLS LAST LIMIT 1 FOR UPDATE`,
    intent.id, topupId && /^\d{1,18}$/.test(topupId) ? topupId : null,
  );
  return rows[0];
}

/**
 * payment_intent.succeeded of a monthly charge: the one way it reaches the
 * wallet, through the top-ups' own credit (what the supporter owes is paid
 * first). The ledger transfer's key is topup:<PaymentIntent id> (a monthly
 * charge has no Checkout Session; its intent names the payment once), so
 * however often Stripe says so, it is credited once. The intent must be for
 * the amount, currency and supporter the row recorded.
 */
export const monthlyChargeSucceededHandler: StripeEventHandler = {
  async handle(tx, event) {
    const intent = intentSchema.parse(event.data.object);
    const row = await lockMonthlyCharge(tx, intent);
    if (!row) return 'ignored: not a monthly top-up';
    const currency = intent.currency.toUpperCase();
    if (intent.status !== 'succeeded' || BigInt(intent.amount_received ?? intent.amount) !== row.amount || currency !== row.currency || intent.metadata?.flattr_user_id !== String(row.user_id)) {
      return `refused: payment intent ${intent.id} is ${intent.status}, ${intent.amount_received ?? intent.amount} ${currency} for ${intent.metadata?.flattr_user_id}; top-up ${row.id} is ${row.amount} ${row.currency} for ${row.user_id}`;
    }
    await lockUser(tx, row.user_id);
    const credit = await postTopupCredit(tx, { userId: row.user_id, currency: row.currency, amount: row.amount, sessionId: intent.id });
    await tx.$executeRawUnsafe(
      `UPDATE topup_sessions SET status = 'paid', payment_intent_id = $2, credit_transfer_id = $3, failure_reason = NULL, updated_at = now() WHERE id = $1`,
      row.id, intent.id, credit.transferId,
    );
    if (!credit.created) return `already credited by transfer ${credit.transferId}`;
    return `credited ${credit.toWallet} ${row.currency} to the wallet${credit.settled > 0n ? `, ${credit.settled} to what was owed` : ''} (monthly top-up ${row.id})`;
  },
  after: (db, event, ctx) => recordStripeFee(db, ctx.stripe, intentSchema.parse(event.data.object).id),
};

/**
 * payment_intent.payment_failed of a monthly charge (card declined,
 * authentication required): the row is failed with Stripe's reason, which
 * the wallet page shows; nothing was credited, and the run does not try
 * this period again.
 */
export const monthlyChargeFailedHandler: StripeEventHandler = {
  async handle(tx, event) {
    const intent = intentSchema.parse(event.data.object);
    const row = await lockMonthlyCharge(tx, intent);
    if (!row) return 'ignored: not a monthly top-up';
    const error = intent.last_payment_error;
    const reason = failureReason(error?.code, error?.decline_code, error?.message ?? `the payment is ${intent.status}`);
    const updated = await markFailed(tx, row.id, reason, intent.id);
    return updated ? `failed: ${reason} (monthly top-up ${row.id})` : `ignored: monthly top-up ${row.id} is ${row.status}`;
  },
};
