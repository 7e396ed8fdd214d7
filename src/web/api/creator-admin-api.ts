import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Platform } from '../../domain/like-event.js';
import type { PeriodWithStatus } from '../../settlement/period-status.js';
import { adminPeriodDetailSchema, adminPeriodSchema, adminPeriodsSchema, dryRunSchema, ledgerCheckSchema, periodParamsSchema } from '../admin/admin-schemas.js';
import { lastLedgerCheck } from '../admin/last-ledger-check.js';
import { requireOperator } from '../admin/operator-access.js';
import { dryRunPeriod, loadOperatorPeriods, loadPeriodDetail } from '../admin/operator-views.js';
import { earningsSchema } from '../earnings/earnings-schema.js';
import { keptCreatorEarnings } from '../earnings/kept-earnings.js';
import { memoized } from '../view-cache.js';
import { earningsPageQuery } from '../routes/earnings-page.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { prepareJson, type ApiRoutes } from './api-route.js';
import { jsonMoney } from './json-money.js';

const OPERATOR_ERRORS = { 401: 'neither the admin token nor a session or API token', 403: 'signed in, but not an operator (flattr admin grant)' };
const OPERATOR_AUTH = 'Operators only: Authorization: Bearer <ADMIN_TOKEN>, or the session or API token of a user marked by flattr admin grant.';

/** The creator's earnings and the operator's views, as JSON: the same data as /earnings and /admin. */
export function registerCreatorAdminApi(scope: FastifyInstance, api: ApiRoutes, ctx: WebContext): void {
  api.add(scope, {
    method: 'GET', url: '/api/v1/earnings', operationId: 'getEarnings', auth: true, status: 200, response: earningsSchema,
    summary: 'The signed-in user as a creator: balance, what each account received, escrow still held and until when, and settled months per community (?page=N, twelve months a page)',
    errors: { 401: 'no session and no valid API token', 422: 'page is not a whole number from 1' },
  }, async ({ viewer }, request) => {
    const query = earningsPageQuery.safeParse(request.query);
    if (!query.success) throw new WebError(422, 'invalid_input', 'page: must be a whole number from 1');
    const reading = await keptCreatorEarnings(ctx, viewer.userId, query.data.page);
    const e = reading.value;
    const platform = (p: string) => p as Platform;
    return memoized(reading, 'json', () => prepareJson(earningsSchema, {
      balances: e.balances.map(jsonMoney),
      identities: e.identities.map((i) => ({ ...i, platform: platform(i.platform), received: i.received.map(jsonMoney) })),
      escrow: e.escrow.map((w) => ({ identity: { ...w.identity, platform: platform(w.identity.platform) }, amount: jsonMoney(w.amount), returnsFrom: w.returnsFrom.toISOString() })),
      months: e.months.map((m) => ({
        ...m, received: m.received.map(jsonMoney), communities: m.communities.map((c) => ({ ...c, platform: platform(c.platform), amount: jsonMoney(c.amount) })),
      })),
      page: e.page,
    }));
  });

  api.add(scope, {
    method: 'GET', url: '/api/v1/admin/periods', operationId: 'listAdminPeriods', auth: false, status: 200, response: adminPeriodsSchema,
    summary: `Every period with its settlement status, counts and timings, what waits to be settled and the next period close. ${OPERATOR_AUTH}`,
    errors: OPERATOR_ERRORS,
  }, async (_input, request, reply) => {
    await requireOperator(ctx, request, reply);
    const o = await loadOperatorPeriods(ctx);
    return { periods: o.periods.map(periodJson), waiting: o.waiting, next: { period: o.next.period, at: o.next.at.toISOString() } };
  });

  api.add(scope, {
    method: 'GET', url: '/api/v1/admin/periods/:period', operationId: 'getAdminPeriod', auth: false, params: periodParamsSchema, status: 200,
    response: adminPeriodDetailSchema, summary: `One period: its run and its notices (counts by kind, status and reason; the first 50 not sent). ${OPERATOR_AUTH}`,
    errors: { ...OPERATOR_ERRORS, 404: 'the hub knows no flattr and no run of this period' },
  }, async ({ params }, request, reply) => {
    await requireOperator(ctx, request, reply);
    const d = await loadPeriodDetail(ctx, params.period);
    return {
      period: periodJson(d.period),
      notices: {
        counts: d.notices.counts,
        unsent: d.notices.unsent.map((n) => ({
          id: String(n.id), kind: n.kind, platform: n.platform, to: n.to, part: n.part, parts: n.parts,
          status: n.status, reason: n.reason, retryable: n.retryable, attempts: n.attempts, lastError: n.lastError,
        })),
      },
    };
  });

  api.add(scope, {
    method: 'POST', url: '/api/v1/admin/periods/:period/dry-run', operationId: 'dryRunPeriod', auth: false, params: periodParamsSchema, status: 200,
    response: dryRunSchema, summary: `What settling the period now would move (flattr settle --dry-run): reads only, writes nothing. ${OPERATOR_AUTH}`,
    errors: { ...OPERATOR_ERRORS, 404: 'not a period', 422: 'a month that has not begun' },
  }, async ({ params }, request, reply) => {
    await requireOperator(ctx, request, reply);
    const d = await dryRunPeriod(ctx, params.period);
    return {
      period: d.period, runStatus: d.runStatus, open: d.open, closesAt: d.closesAt.toISOString(),
      totals: d.totals.map((t) => {
        const m = (minor: bigint) => jsonMoney({ minor, currency: t.currency });
        return { currency: t.currency, supporters: t.supporters, flattrs: t.flattrs, charged: m(t.charged), fees: m(t.fees), credited: m(t.credited), escrowed: m(t.escrowed), charity: m(t.charity) };
      }),
    };
  });

  api.add(scope, {
    method: 'GET', url: '/api/v1/admin/ledger-check', operationId: 'getLedgerCheck', auth: false, status: 200, response: ledgerCheckSchema,
    summary: `The ledger self-check's last answer (after every settlement and daily): which invariants hold, and when. ${OPERATOR_AUTH}`,
    errors: OPERATOR_ERRORS,
  }, async (_input, request, reply) => {
    await requireOperator(ctx, request, reply);
    const last = await lastLedgerCheck(await ctx.admin.settleQueue());
    return {
      last: last ? {
        at: last.at.toISOString(), trigger: last.trigger, period: last.period, ok: last.result?.ok ?? null, checks: last.result?.checks ?? null,
        broken: last.result?.broken ?? [], error: last.error,
      } : null,
    };
  });
}

function periodJson(r: PeriodWithStatus): z.input<typeof adminPeriodSchema> {
  return {
    period: r.period, status: r.status, ...(r.reason ? { reason: r.reason } : {}), closed: r.closed, closesAt: r.closesAt.toISOString(),
    run: r.run ? { ...r.run, startedAt: r.run.startedAt.toISOString(), finishedAt: r.run.finishedAt?.toISOString() ?? null } : null,
    pending: r.pending,
  };
}
