import type { FastifyInstance } from 'fastify';
import { CurrencyLockedError, InvalidInputError } from '../../domain/errors.js';
import type { Platform } from '../../domain/like-event.js';
import { changeBudget } from '../month/change-budget.js';
import { itemLink } from '../month/item-link.js';
import { budgetChangeSchema, flattrIdSchema, monthQuerySchema, monthSchema } from '../month/month-schemas.js';
import { loadMonthView, MONTH_PAGE_SIZE, type MonthView } from '../month/month-view.js';
import { undoFlattrById } from '../month/undo-flattr-by-id.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { memoized } from '../view-cache.js';
import { prepareJson, type ApiRoutes } from './api-route.js';
import { jsonNumber } from './json-money.js';

/** The month page's data and changes on /api/v1, through the same use cases as the page. */
export function registerMonthApi(scope: FastifyInstance, api: ApiRoutes, ctx: WebContext): void {
  api.add(scope, {
    method: 'GET', url: '/api/v1/month', operationId: 'getMonth', auth: true, query: monthQuerySchema, status: 200, response: monthSchema,
    summary: 'This month: budget, wallet, what settling now would charge, the fee, and each active flattr with what it would receive (100 a page)',
    errors: { 401: 'not signed in', 422: 'a page that is not a positive integer' },
  }, async ({ viewer, query }) => {
    const view = await loadMonthView(ctx, viewer.userId, query.page);
    // The same JSON for every view of this reading and page: made once, kept with it.
    return memoized(view.reading, `json|${view.supporter?.page ?? 1}`, () => prepareJson(monthSchema, monthJson(view)));
  });

  api.add(scope, {
    method: 'PUT', url: '/api/v1/budget', operationId: 'putBudget', auth: true, body: budgetChangeSchema, status: 200, response: monthSchema,
    summary: 'Set the monthly budget (and currency): the same rules as the CLI and chat; answers the month with the new split',
    errors: {
      401: 'not signed in', 403: 'with a session: missing or wrong x-csrf-token',
      422: 'an amount that is not a decimal string ("35,5", "-2"), an unknown currency, or a currency change while the wallet holds money (code currency_locked); nothing changed',
    },
  }, async ({ viewer, body }) => {
    try {
      await changeBudget(ctx.db, viewer.userId, body.amount, body.currency);
    } catch (error) {
      if (error instanceof CurrencyLockedError) throw new WebError(422, 'currency_locked', error.message);
      if (error instanceof InvalidInputError) throw new WebError(422, 'invalid_input', error.message);
      throw error;
    }
    // The answer is the new split: read afresh here (every process forgets the user as the answer leaves: mount-web.ts).
    ctx.views.forgetHere(viewer.userId);
    return monthJson(await loadMonthView(ctx, viewer.userId, 1));
  });

  api.add(scope, {
    method: 'DELETE', url: '/api/v1/flattrs/:id', operationId: 'undoFlattr', auth: true, params: flattrIdSchema, status: 204,
    summary: 'Undo one of your flattrs (as /flattr undo does: on that item, in every month not settling yet); undoing an undone one changes nothing',
    errors: {
      401: 'not signed in', 403: 'with a session: missing or wrong x-csrf-token', 404: 'no flattr of yours with this id',
      409: 'its month has started settling (code period_settling); nothing changed',
    },
  }, async ({ viewer, params }) => {
    const result = await undoFlattrById(ctx.db, viewer.userId, params.id, ctx.now());
    if (result.outcome === 'not_found') throw new WebError(404, 'not_found', 'no flattr of yours has this id');
    if (result.outcome === 'settling') throw new WebError(409, 'period_settling', `${result.period} has started settling: its flattrs can no longer be undone`);
  });
}

function monthJson(view: MonthView) {
  const s = view.supporter;
  const money = (minor: bigint) => ({ minor: jsonNumber(minor), currency: view.currency });
  return {
    period: view.period, currency: view.currency,
    supporter: s && {
      budget: money(s.budget), active: s.active, platforms: s.platforms, wallet: money(s.wallet), available: money(s.available),
      charged: money(s.charged), fee: money(s.fee), distributable: money(s.distributable),
      flattrs: {
        total: s.flattrCount, page: s.page, pages: s.pages, pageSize: MONTH_PAGE_SIZE,
        items: s.flattrs.map((f) => ({
          id: jsonNumber(f.id),
          recipient: { ...f.recipient, platform: f.recipient.platform as Platform },
          community: f.community === null ? null : { id: f.community, name: f.communityName },
          item: f.item, link: itemLink(f.platform, f.item) ?? null, likedAt: f.occurredAt.toISOString(), share: money(f.share),
        })),
      },
    },
  };
}
