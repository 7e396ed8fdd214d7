import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import type { StripeEventContext, StripeEventHandler } from './handler.js';

export type ProcessOutcome = { outcome: string; processedNow: boolean };

/**
 * Acts on a stored event once: the event row is locked, and a handler's
 * writes and the row's `processed_at` commit together, so a redelivery (or
 * two deliveries at once) finds it processed and does nothing. A type with
 * no handler is marked processed as ignored. A handler that throws leaves
 * the event unprocessed with its error recorded, and the error goes up
 * (Stripe will deliver it again).
 */
export async function processStripeEvent(db: Db, event: Stripe.Event, handlers: Readonly<Record<string, StripeEventHandler>>, ctx: StripeEventContext): Promise<ProcessOutcome> {
  const handler = Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
  let result: ProcessOutcome;
  try {
    result = await db.$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ processed_at: Date | null; outcome: string | null }[]>(
        `SELECT processed_at, outcome FROM stripe_events WHERE id = $1 FOR UPDATE`, event.id,
      );
      if (!row) throw new Error(`stripe event ${event.id} is not stored`);
      if (row.processed_at) return { outcome: row.outcome ?? 'processed', processedNow: false };
      const outcome = handler ? await handler.handle(tx, event, ctx) : `ignored: no handler for ${event.type}`;
      await tx.$executeRawUnsafe(
        `UPDATE stripe_events SET processed_at = $2, outcome = $3, attempts = attempts + 1, last_error = NULL WHERE id = $1`,
        event.id, ctx.now(), outcome,
      );
      return { outcome, processedNow: true };
    }, { timeout: 15_000 });
  } catch (error) {
    await db.$executeRawUnsafe(
      `UPDATE stripe_events SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
      event.id, (error instanceof Error ? error.message : String(error)).slice(0, 500),
    ).catch(() => undefined);
    throw error;
  }
  if (result.processedNow && handler?.after) {
    await handler.after(db, event, ctx).catch((error: unknown) => {
      ctx.logger.warn({ err: error, eventId: event.id, type: event.type }, 'stripe event: the follow-up after processing failed (processing itself stands)');
    });
  }
  return result;
}
