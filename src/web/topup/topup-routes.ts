import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { InvalidInputError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { createStripe } from '../../payments/stripe-client.js';
import { createTopup, TopupRefusedError } from '../../payments/topups/create-topup.js';
import { TOPUP_MESSAGES } from '../messages/topup.js';
import { pageLocale } from '../reply-page.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { replyWallet } from '../routes/wallet-page.js';

const form = z.object({ amount: z.string().max(40), request: z.string().uuid() });

/**
 * POST /wallet/topup: a Checkout Session for the amount typed, then a 303 to
 * Stripe's page. A refused amount shows the wallet page again with the
 * reason (422); Stripe unreachable after the retries, 503. Nothing is
 * credited here: only Stripe's signed webhook credits.
 */
export function registerTopupRoutes(scope: FastifyInstance, ctx: WebContext, stripeConfig: NonNullable<Config['stripe']>): void {
  const stripe = createStripe(stripeConfig);
  scope.post('/wallet/topup', async (request, reply) => {
    const viewer = request.viewer;
    if (viewer?.via !== 'session') throw new WebError(401, 'unauthenticated', 'sign in to add money');
    const parsed = form.safeParse(request.body);
    if (!parsed.success) throw new WebError(422, 'invalid_input', 'the form needs an amount and its request id: reload the page');
    const { amount, request: requestId } = parsed.data;
    const [user] = await ctx.db.$queryRawUnsafe<{ locale: string }[]>(`SELECT locale FROM users WHERE id = $1`, viewer.userId);
    const { locale } = pageLocale(request, user?.locale);
    const t = TOPUP_MESSAGES[locale];
    try {
      const topup = await createTopup(ctx.db, stripe, { userId: viewer.userId, amount, requestKey: `web:${viewer.userId}:${requestId}`, publicUrl: ctx.publicUrl, locale });
      return reply.redirect(topup.url, 303);
    } catch (error) {
      if (error instanceof TopupRefusedError) {
        const limit = error.limit ? formatMoney(error.limit, locale) : error.reason === 'stripe_refused' ? error.message.replace(/^amount: /, '') : '';
        return replyWallet(ctx, request, reply, 422, { topups: true, topup: { error: t.refusals[error.reason](amount, limit), amount } });
      }
      // Another refusal (a request id reused for another amount: a replayed form) is the error page's 422.
      if (error instanceof InvalidInputError) throw new WebError(422, 'invalid_input', error.message);
      ctx.logger.warn({ err: error, userId: viewer.userId }, 'top-up: Stripe did not create the checkout session');
      return replyWallet(ctx, request, reply, 503, { topups: true, topup: { error: t.stripeDown, amount } });
    }
  });
}
