import type { Tx } from '../../db/database.js';

export type TopupRow = {
  id: bigint; user_id: number; amount: bigint; currency: string; status: string;
  stripe_session_id: string | null; payment_intent_id: string | null; refunded: bigint; disputed: bigint;
};

const COLUMNS = `id, user_id, amount, trim(currency) AS currency, status, stripe_session_id, payment_intent_id, refunded, disputed`;

/** The top-up a Checkout Session belongs to (by its id, or by the row id the hub put in its metadata), locked. */
export async function lockTopupBySession(tx: Tx, sessionId: string, topupId: string | undefined): Promise<TopupRow | undefined> {
  const rows = await tx.$queryRawUnsafe<TopupRow[]>(
    `SELECT ${COLUMNS} FROM topup_sessions WHERE stripe_session_id = $1 OR ($2::int8 IS NOT NULL AND id = $2::int8 AND stripe_session_id IS NULL)
      ORDER BY stripe_session_id NULLS LAST LIMIT 1 FOR UPDATE`,
    sessionId, topupId && /^\d{1,18}$/.test(topupId) ? topupId : null,
  );
  return rows[0];
}

/** The top-up paid by a payment intent, locked. */
export async function lockTopupByPaymentIntent(tx: Tx, paymentIntentId: string): Promise<TopupRow | undefined> {
  const rows = await tx.$queryRawUnsafe<TopupRow[]>(`SELECT ${COLUMNS} FROM topup_sessions WHERE payment_intent_id = $1 FOR UPDATE`, paymentIntentId);
  return rows[0];
}
