import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { MONTH_MESSAGES, type MonthMessages } from '../messages/month.js';
import { changeBudget } from '../month/change-budget.js';
import { describeBudgetRefusal } from '../month/budget-refusal.js';
import { loadMonthView } from '../month/month-view.js';
import { monthName, renderMonth, type MonthPage } from '../month/render-month.js';
import { undoFlattrById, type UndoOutcome } from '../month/undo-flattr-by-id.js';
import type { WebLocale } from '../pick-locale.js';
import { pageLocale, replyKeptPage, replyPage } from '../reply-page.js';
import type { Viewer } from '../viewer.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { pageNav } from '../page-nav.js';

type SessionViewer = Extract<Viewer, { via: 'session' }>;
type Form = Record<string, unknown>;
/** What the last change did, or why it changed nothing (worded in the reader's language when the page is built). */
type Outcome = {
  budgetRefused?: { error: InvalidInputError; amount: string; currency: string };
  undoRefused?: Exclude<UndoOutcome, { outcome: 'undone' } | { outcome: 'already_undone' }>;
};

/**
 * The supporter's month at `/` (signed in): budget, wallet, what settling now
 * would charge, and this month's flattrs with what each would receive, from
 * the settlement preview's arithmetic. Changes are form POSTs (CSRF checked
 * before any route runs) answered with a 303 back to `/`, or with the page,
 * the reason and the right status when nothing was changed.
 */
export function registerMonthPage(scope: FastifyInstance, ctx: WebContext): void {
  scope.post<{ Body: Form }>('/month/budget', async (request, reply) => {
    const viewer = signedIn(request);
    const amount = typeof request.body?.amount === 'string' ? request.body.amount : '';
    const currency = typeof request.body?.currency === 'string' ? request.body.currency : '';
    try {
      await changeBudget(ctx.db, viewer.userId, amount, currency);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return replyMonthPage(ctx, request, reply, 422, { budgetRefused: { error, amount, currency } });
    }
    return reply.redirect('/?done=budget', 303);
  });

  scope.post<{ Body: Form }>('/month/undo', async (request, reply) => {
    const viewer = signedIn(request);
    const raw = request.body?.flattr;
    const id = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? BigInt(raw) : undefined;
    const result = id === undefined ? { outcome: 'not_found' as const } : await undoFlattrById(ctx.db, viewer.userId, id, ctx.now());
    if (result.outcome === 'undone' || result.outcome === 'already_undone') return reply.redirect('/?done=undone#flattrs', 303);
    return replyMonthPage(ctx, request, reply, result.outcome === 'settling' ? 409 : 404, { undoRefused: result });
  });
}

/** The month page for the signed-in viewer (GET / calls it). */
export async function replyMonthPage(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, status: number, o: Outcome = {}): Promise<FastifyReply> {
  const viewer = signedIn(request);
  const query = request.query as { page?: unknown; done?: unknown } | undefined;
  const page = typeof query?.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1;
  // Back from a change (?done=…), perhaps made through another api process: this view shows it, read afresh.
  if (status === 200 && (query?.done === 'undone' || query?.done === 'budget')) ctx.views.forgetHere(viewer.userId);
  const [view, nav] = await Promise.all([loadMonthView(ctx, viewer.userId, page), pageNav(ctx, request, 'month')]);
  const { locale, m } = pageLocale(request, view.locale);
  const t = MONTH_MESSAGES[locale];
  const said = status === 200 && (query?.done === 'undone' || query?.done === 'budget') ? query.done : undefined;
  const done = said === 'undone' ? t.done.undone
    : said === 'budget' && view.supporter ? t.done.budget(formatMoney({ minor: view.supporter.budget, currency: view.currency }, locale)) : undefined;
  const build = () => ({
    locale, m, title: t.title, nav,
    body: renderMonth({ view, locale, t, m, csrfToken: viewer.csrfToken, timeZone: ctx.money.timeZone, feeBps: ctx.money.feeBps, done, error: refusal(o, t, locale) }),
  });
  // A refusal is said once, about what was typed: never kept.
  if (status !== 200) return replyPage(reply, status, build());
  return replyKeptPage(request, reply, view.reading, `month|${view.supporter?.page ?? 1}|${locale}|${said ?? ''}|${nav?.admin ?? false}`, build);
}

function refusal(o: Outcome, t: MonthMessages, locale: WebLocale): MonthPage['error'] {
  if (o.budgetRefused) {
    const { error, amount, currency } = o.budgetRefused;
    return { message: describeBudgetRefusal(error, t, locale, { amount, currency }), amount, currency };
  }
  if (o.undoRefused?.outcome === 'settling') return { message: t.errors.settling(monthName(o.undoRefused.period, locale)) };
  if (o.undoRefused) return { message: t.errors.notFound };
  return undefined;
}

function signedIn(request: FastifyRequest): SessionViewer {
  const viewer = request.viewer;
  // Pages only ever see session viewers (API tokens are read on /api/ only).
  if (viewer?.via !== 'session') throw new WebError(401, 'unauthenticated', 'sign in to see your month');
  return viewer;
}
