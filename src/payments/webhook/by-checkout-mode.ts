import { z } from 'zod';
import type { StripeEventHandler } from './handler.js';

const modeOf = (object: unknown) => z.object({ mode: z.string() }).passthrough().parse(object).mode;

/**
 * One Checkout event type, handled by the session's mode: `payment` (a
 * top-up) and `setup` (a card saved for the monthly top-up) are different
 * things that Stripe announces with the same event. A mode without a handler
 * is acknowledged and ignored.
 */
export function byCheckoutMode(handlers: Readonly<Record<string, StripeEventHandler>>): StripeEventHandler {
  const pick = (object: unknown) => {
    const mode = modeOf(object);
    return Object.hasOwn(handlers, mode) ? handlers[mode] : undefined;
  };
  return {
    async handle(tx, event, ctx) {
      const handler = pick(event.data.object);
      return handler ? handler.handle(tx, event, ctx) : `ignored: a ${modeOf(event.data.object)} session`;
    },
    async after(db, event, ctx) {
      await pick(event.data.object)?.after?.(db, event, ctx);
    },
  };
}
