import { z } from 'zod';
import type { StripeEventHandler } from '../webhook/handler.js';

/** checkout.session.expired: the supporter never paid; the top-up is closed (nothing was credited). */
export const expireTopupHandler: StripeEventHandler = {
  async handle(tx, event) {
    const { id } = z.object({ id: z.string().min(1) }).passthrough().parse(event.data.object);
    const updated = await tx.$executeRawUnsafe(`UPDATE topup_sessions SET status = 'expired', updated_at = now() WHERE stripe_session_id = $1 AND status = 'open'`, id);
    return updated ? 'expired' : 'ignored: no open top-up for this session';
  },
};
