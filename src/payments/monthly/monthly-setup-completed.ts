import { z } from 'zod';
import type { StripeEventHandler } from '../webhook/handler.js';
import { resolvePaymentMethod } from './resolve-payment-method.js';
import { MONTHLY_SETUP_MARK } from './start-monthly-topup.js';
import { customerOf } from './stripe-customer.js';

const idOf = z.union([z.string(), z.object({ id: z.string() }).passthrough()]).nullable().optional()
  .transform((v) => (typeof v === 'string' ? v : v?.id ?? null));

/** The fields of a setup-mode Checkout Session the hub reads (https://docs.stripe.com/api/checkout/sessions/object). */
const setupSessionSchema = z.object({
  id: z.string().min(1),
  mode: z.literal('setup'),
  status: z.string().nullable(),
  created: z.number().int(),
  currency: z.string().nullable().optional(),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  customer: idOf,
  setup_intent: idOf,
}).passthrough();

/**
 * checkout.session.completed of a setup session the hub started
 * (start-monthly-topup.ts): the supporter saved a card, so their monthly
 * top-up is on. The session's customer must be the one recorded for the
 * supporter it names. A session begun before the supporter last turned the
 * monthly top-up off does not turn it back on (a late delivery). A
 * redelivered event is not handled twice (the event row), and a second event
 * for the same session writes the same row.
 */
export const monthlySetupCompletedHandler: StripeEventHandler = {
  async handle(tx, event) {
    const session = setupSessionSchema.parse(event.data.object);
    if (session.metadata?.[MONTHLY_SETUP_MARK] !== 'setup') return 'ignored: a setup session the hub did not start';
    if (session.status !== 'complete' || !session.setup_intent) return `waiting: setup session ${session.status}`;
    const userId = Number(session.client_reference_id);
    if (!Number.isSafeInteger(userId) || String(userId) !== session.metadata.flattr_user_id) return `refused: setup session ${session.id} names no one supporter`;
    const customer = await customerOf(tx, userId);
    if (!customer || customer !== session.customer) return `refused: setup session ${session.id} is for customer ${session.customer}, user ${userId}'s is ${customer ?? 'none'}`;
    const [earlier] = await tx.$queryRawUnsafe<{ turned_off_at: Date | null }[]>(`SELECT turned_off_at FROM monthly_topups WHERE user_id = $1 FOR UPDATE`, userId);
    if (earlier?.turned_off_at && earlier.turned_off_at.getTime() >= session.created * 1000) return `ignored: user ${userId} turned the monthly top-up off after setup session ${session.id} began`;
    await tx.$executeRawUnsafe(
      `INSERT INTO monthly_topups (user_id, status, currency, stripe_customer_id, setup_session_id, setup_intent_id)
       VALUES ($1, 'active', $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET status = 'active', currency = $2, stripe_customer_id = $3, setup_session_id = $4, setup_intent_id = $5,
              payment_method_id = NULL, card = NULL, turned_on_at = now(), turned_off_at = NULL, updated_at = now()`,
      userId, (session.currency ?? '').toUpperCase(), customer, session.id, session.setup_intent,
    );
    return `monthly top-up on for user ${userId} (setup intent ${session.setup_intent})`;
  },
  async after(db, event, ctx) {
    const userId = Number(setupSessionSchema.parse(event.data.object).client_reference_id);
    await resolvePaymentMethod(db, ctx.stripe, userId);
  },
};
