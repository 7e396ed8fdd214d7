import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { InvalidInputError } from '../../domain/errors.js';
import { startMonthlyTopup } from '../../payments/monthly/start-monthly-topup.js';
import { stopMonthlyTopup } from '../../payments/monthly/stop-monthly-topup.js';
import { createStripe } from '../../payments/stripe-client.js';
import { MONTHLY_TOPUP_MESSAGES } from '../messages/monthly-topup.js';
import { pageLocale } from '../reply-page.js';
import { replyWallet } from '../routes/wallet-page.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';

const startForm = z.object({ request: z.string().uuid() });

/**
 * POST /wallet/monthly-topup: a setup-mode Checkout Session for the
 * supporter's Stripe Customer, then a 303 to Stripe's page where they save a
 * card; the webhook turns the monthly top-up on. POST
 * /wallet/monthly-topup/off: off at once on our side, the card detached at
 * Stripe, and the wallet page again.
 */
export function registerMonthlyTopupRoutes(scope: FastifyInstance, ctx: WebContext, stripeConfig: NonNullable<Config['stripe']>): void {
  const stripe = createStripe(stripeConfig);
  const signedIn = (request: { viewer?: { via: string; userId: number } | null }) => {
    const viewer = request.viewer;
    if (viewer?.via !== 'session') throw new WebError(401, 'unauthenticated', 'sign in to change your monthly top-up');
    return viewer.userId;
  };
  const localeOf = async (request: Parameters<typeof pageLocale>[0], userId: number) => {
    const [user] = await ctx.db.$queryRawUnsafe<{ locale: string }[]>(`SELECT locale FROM users WHERE id = $1`, userId);
    return pageLocale(request, user?.locale).locale;
  };

  scope.post('/wallet/monthly-topup', async (request, reply) => {
    const userId = signedIn(request);
    const parsed = startForm.safeParse(request.body);
    if (!parsed.success) throw new WebError(422, 'invalid_input', 'the form needs its request id: reload the page');
    const locale = await localeOf(request, userId);
    const t = MONTHLY_TOPUP_MESSAGES[locale];
    try {
      const { url } = await startMonthlyTopup(ctx.db, stripe, { userId, requestKey: `web:${userId}:${parsed.data.request}`, publicUrl: ctx.publicUrl, locale });
      return reply.redirect(url, 303);
    } catch (error) {
      if (error instanceof InvalidInputError && error.field === 'budget') return replyWallet(ctx, request, reply, 422, { topups: true, topup: {}, monthly: { error: t.noBudget } });
      if (error instanceof InvalidInputError) throw new WebError(422, 'invalid_input', error.message);
      ctx.logger.warn({ err: error, userId }, 'monthly top-up: Stripe did not create the setup session');
      return replyWallet(ctx, request, reply, 503, { topups: true, topup: {}, monthly: { error: t.stripeDown } });
    }
  });

  scope.post('/wallet/monthly-topup/off', async (request, reply) => {
    const userId = signedIn(request);
    const stopped = await stopMonthlyTopup(ctx.db, stripe, userId);
    if (stopped.detachError) ctx.logger.warn({ userId, why: stopped.detachError }, 'monthly top-up off; detaching the card at Stripe failed (it is never charged by the hub again)');
    return reply.redirect('/wallet?monthly=off#monthly', 303);
  });
}
