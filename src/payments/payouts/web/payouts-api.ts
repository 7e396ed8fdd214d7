import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiRoutes } from '../../../web/api/api-route.js';
import { jsonMoney } from '../../../web/api/json-money.js';
import type { WebContext } from '../../../web/web-context.js';
import { loadPayoutsView } from './payouts-section.js';

const moneySchema = z.object({ minor: z.number().int(), currency: z.string().length(3) });

export const payoutsSchema = z.object({
  account: z.object({ payoutsEnabled: z.boolean(), requirementsDue: z.array(z.string()) }).nullable()
    .describe('The connected Stripe account (null before onboarding started): whether it can receive payouts, and what Stripe still needs'),
  payouts: z.array(z.object({
    createdAt: z.string(),
    amount: moneySchema,
    returned: moneySchema.describe('what came back to the balance: all of it once returned, part of it after Stripe reversed part of the transfer'),
    status: z.enum(['pending', 'paid', 'returned']),
    reason: z.string().nullable().describe('why money of it came back to the balance (refused, or reversed by Stripe in full or in part)'),
    stripeTransferId: z.string().nullable(),
  })).describe('The last twelve payouts, newest first'),
});

/** `GET /api/v1/payouts`: what /earnings shows of payouts, as JSON. */
export function registerPayoutsApi(scope: FastifyInstance, api: ApiRoutes, ctx: WebContext): void {
  api.add(scope, {
    method: 'GET', url: '/api/v1/payouts', operationId: 'getPayouts', auth: true, status: 200, response: payoutsSchema,
    summary: 'The signed-in creator\'s connected Stripe account and last payouts',
    errors: { 401: 'no session and no valid API token' },
  }, async ({ viewer }) => {
    const view = await loadPayoutsView(ctx.db, viewer.userId);
    return {
      account: view.account ? { payoutsEnabled: view.account.payoutsEnabled, requirementsDue: view.account.requirementsDue } : null,
      payouts: view.payouts.map((p) => ({
        createdAt: p.at.toISOString(), amount: jsonMoney({ minor: p.amount, currency: p.currency }), returned: jsonMoney({ minor: p.returned, currency: p.currency }), status: p.status, reason: p.reason, stripeTransferId: p.stripeTransferId,
      })),
    };
  });
}
