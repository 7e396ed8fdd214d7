import { z } from 'zod';
import type { StripeEventHandler } from '../webhook/handler.js';

/** A top-up that will never be paid, closed with why; nothing was credited, so the ledger is untouched. */
function closeTopup(status: 'expired' | 'failed'): StripeEventHandler {
  return {
    async handle(tx, event) {
      const { id } = z.object({ id: z.string().min(1) }).passthrough().parse(event.data.object);
      const updated = await tx.$executeRawUnsafe(`UPDATE topup_sessions SET status = $2, updated_at = now() WHERE stripe_session_id = $1 AND status = 'open'`, id, status);
      return updated ? status : 'ignored: no open top-up for this session';
    },
  };
}

/** checkout.session.expired: the supporter never paid. */
export const expireTopupHandler = closeTopup('expired');
/** checkout.session.async_payment_failed: a bank debit that did not go through. */
export const failTopupHandler = closeTopup('failed');
