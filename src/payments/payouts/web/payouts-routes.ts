import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import type { WebContext } from '../../../web/web-context.js';
import { WebError } from '../../../web/web-error.js';
import { startOnboarding } from '../connect-account.js';
import { enablePayoutsSection } from './payouts-section.js';

/**
 * `POST /earnings/connect` (a form with the CSRF field): the creator's
 * connected account and a fresh Stripe onboarding link, and a redirect to
 * Stripe's hosted flow, which comes back to /earnings. Registered only with
 * Stripe configured, which also turns the /earnings section on.
 */
export function registerPayoutsRoutes(scope: FastifyInstance, ctx: WebContext, payouts: { stripe: Stripe; minimum: string }): void {
  enablePayoutsSection(ctx, payouts.minimum);
  scope.post('/earnings/connect', async (request, reply) => {
    if (request.viewer?.via !== 'session') throw new WebError(401, 'unauthenticated', 'sign in to connect a Stripe account');
    const userId = request.viewer.userId;
    let url: string;
    try {
      ({ url } = await startOnboarding(ctx.db, payouts.stripe, userId, {
        returnUrl: `${ctx.publicUrl}/earnings?connect=done#payouts`, refreshUrl: `${ctx.publicUrl}/earnings?connect=retry#payouts`,
      }));
    } catch (error) {
      ctx.logger.warn({ err: error, userId }, 'Stripe onboarding could not start');
      throw new WebError(503, 'internal', 'Stripe could not be reached to connect your account; try again in a few minutes');
    }
    return reply.redirect(url, 303);
  });
}
