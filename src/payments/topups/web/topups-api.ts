import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputError } from '../../../domain/errors.js';
import type { ApiRoutes } from '../../../web/api/api-route.js';
import { jsonMoney, jsonNumber } from '../../../web/api/json-money.js';
import { moneySchema } from '../../../web/api/schemas.js';
import type { WebContext } from '../../../web/web-context.js';
import { WebError } from '../../../web/web-error.js';
import type { ChatPayments } from '../../chat-payments.js';
import { loadOwed } from '../load-owed.js';
import { loadTopups } from '../load-topups.js';

export const newTopupSchema = z.object({
  amount: z.string().max(40).describe('a decimal string in the wallet\'s currency, "20" or "20.50" (from 5.00 to 10,000.00); never a JSON number'),
  currency: z.string().length(3).optional().describe('when given, must be the wallet\'s: money is never converted'),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, '8 to 100 letters, digits, - or _').optional()
    .describe('names this request: sent again, it answers the same Checkout Session instead of making a second one (a retry after a lost answer); without it every call makes a new session'),
}).strict();

export const startedTopupSchema = z.object({
  id: z.number().int(),
  amount: moneySchema,
  checkoutUrl: z.string().describe('Stripe\'s payment page: send the supporter there; the wallet is credited when Stripe confirms the payment'),
  created: z.boolean().describe('false when requestId named a top-up already started: its session again'),
});

const reversalSchema = z.object({
  kind: z.enum(['refund', 'dispute']).describe('a refund, or a card dispute lost'),
  amount: moneySchema,
  fromWallet: moneySchema.describe('what was still in the wallet'),
  toReceivable: moneySchema.describe('what had already been spent on flattrs, now owed'),
  at: z.iso.datetime(),
});

export const topupsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });

export const topupListSchema = z.object({
  owed: z.array(moneySchema).describe('what the supporter owes after refunds or lost disputes, per currency (empty when nothing): their likes are not flattrs until a top-up settles it'),
  topups: z.array(z.object({
    id: z.number().int(),
    createdAt: z.iso.datetime(),
    status: z.enum(['open', 'paid', 'expired', 'failed']).describe('open: not paid yet; paid: credited; expired: never paid; failed: a bank debit that did not go through'),
    amount: moneySchema,
    stripeFee: moneySchema.nullable().describe('Stripe\'s fee, once known; the hub bears it and the wallet got the whole amount'),
    checkoutUrl: z.string().nullable().describe('Stripe\'s payment page while the top-up is open'),
    monthlyPeriod: z.string().nullable().describe('the period (YYYY-MM) a monthly top-up charged the budget for; null for a top-up you started'),
    failureReason: z.string().nullable().describe('why Stripe did not take a monthly charge (card declined, authentication required)'),
    reversals: z.array(reversalSchema),
  })).describe('the latest top-ups, newest first'),
});

const PAYMENTS_OFF = 'payments are off on this hub: wallets are funded by its operator (flattr wallet credit)';

/**
 * `POST /api/v1/topups` (start a top-up: the Checkout URL) and `GET
 * /api/v1/topups` (the supporter's top-ups and what they owe), through the
 * same use cases as the wallet page and `/flattr topup`. Documented always;
 * without Stripe configured both answer 404, as POST /wallet/topup does.
 */
export function registerTopupsApi(scope: FastifyInstance, api: ApiRoutes, ctx: WebContext, payments: ChatPayments | undefined): void {
  api.add(scope, {
    method: 'POST', url: '/api/v1/topups', operationId: 'startTopup', auth: true, body: newTopupSchema, status: 201, response: startedTopupSchema,
    summary: 'Start a wallet top-up: a Stripe Checkout Session for the amount, and its URL (nothing is credited until Stripe confirms the payment)',
    errors: {
      401: 'not signed in', 403: 'with a session: missing or wrong x-csrf-token', 404: 'payments are off on this hub',
      422: 'an amount that is not a decimal string ("35,5"), below 5.00 or above 10,000.00, another currency than the wallet\'s, refused by Stripe, or a requestId already used for another amount; nothing started',
      503: 'Stripe could not be reached; nothing was charged',
    },
  }, async ({ viewer, body }) => {
    if (!payments) throw new WebError(404, 'not_found', PAYMENTS_OFF);
    const [user] = await ctx.db.$queryRawUnsafe<{ locale: string }[]>(`SELECT locale FROM users WHERE id = $1`, viewer.userId);
    try {
      const topup = await payments.topup({
        userId: viewer.userId, amount: body.amount, currency: body.currency,
        // Per user, so one supporter's request id never names another's top-up.
        requestKey: body.requestId ? `api:${viewer.userId}:${body.requestId}` : `api:${viewer.userId}:${randomUUID()}`,
        locale: user?.locale === 'fr' ? 'fr' : 'en',
      });
      return { id: jsonNumber(topup.topupId), amount: jsonMoney(topup.amount), checkoutUrl: topup.url, created: topup.created };
    } catch (error) {
      // A refused amount or currency (TopupRefusedError), or a requestId already used for another amount.
      if (error instanceof InvalidInputError) throw new WebError(422, 'invalid_input', error.message);
      ctx.logger.warn({ err: error, userId: viewer.userId }, 'top-up (API): Stripe did not create the checkout session');
      throw new WebError(503, 'internal', 'Stripe could not be reached; nothing was charged: try again in a moment');
    }
  });

  api.add(scope, {
    method: 'GET', url: '/api/v1/topups', operationId: 'listTopups', auth: true, query: topupsQuerySchema, status: 200, response: topupListSchema,
    summary: 'Your latest top-ups (status, amount, Stripe\'s fee, what refunds and disputes took back) and what you owe',
    errors: { 401: 'not signed in', 404: 'payments are off on this hub', 422: 'a limit that is not 1 to 100' },
  }, async ({ viewer, query }) => {
    if (!payments) throw new WebError(404, 'not_found', PAYMENTS_OFF);
    const [topups, owed] = await Promise.all([loadTopups(ctx.db, viewer.userId, query.limit), loadOwed(ctx.db, viewer.userId)]);
    const m = jsonMoney;
    return {
      owed: owed.map(m),
      topups: topups.map((t) => ({
        id: jsonNumber(t.id), createdAt: t.at.toISOString(), status: t.status, amount: m(t.amount),
        stripeFee: t.stripeFee && m(t.stripeFee), checkoutUrl: t.checkoutUrl, monthlyPeriod: t.monthlyPeriod, failureReason: t.failureReason,
        reversals: t.reversals.map((r) => ({ kind: r.kind, amount: m(r.amount), fromWallet: m(r.fromWallet), toReceivable: m(r.toReceivable), at: r.at.toISOString() })),
      })),
    };
  });
}
