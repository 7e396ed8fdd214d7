import type { Db } from '../../db/database.js';

/**
 * Keeps a verified event, committed before anything acts on it; a delivery
 * of an event id already stored writes nothing. Returns whether it is new.
 */
export async function storeStripeEvent(db: Db, event: { id: string; type: string; livemode: boolean }, payload: string, now: Date): Promise<boolean> {
  const inserted = await db.$executeRawUnsafe(
    `INSERT INTO stripe_events (id, type, livemode, payload, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
    event.id, event.type, event.livemode, payload, now,
  );
  return inserted === 1;
}
