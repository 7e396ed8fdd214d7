import { InvalidInputError } from '../../domain/errors.js';
import { parsePeriod, periodOf } from '../../domain/period.js';
import { listNotices, type NoticeListing } from '../../notices/list-notices.js';
import { PeriodNotStartedError } from '../../settlement/errors.js';
import { listPeriods } from '../../settlement/list-periods.js';
import { settleableAt } from '../../settlement/period-guard.js';
import { periodStatuses, type PeriodWithStatus } from '../../settlement/period-status.js';
import { previewSettlement, type SettlementPreview } from '../../settlement/preview-settlement.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';

export type OperatorPeriods = { periods: PeriodWithStatus[]; waiting: string[]; next: { period: string; at: Date } };
export type NoticeCount = { kind: string; status: string; reason: string | null; n: number };
export type PeriodDetail = { period: PeriodWithStatus; notices: { counts: NoticeCount[]; unsent: NoticeListing[] } };
export type DryRun = SettlementPreview & { runStatus: string | null; open: boolean; closesAt: Date };

/** Notices listed one by one on a period's page: the ones not sent, oldest first; the rest are counted. */
export const UNSENT_LISTED = 50;

/** Every period with its status, newest first, what waits to be settled and the next period close: `flattr periods`, for the page. */
export async function loadOperatorPeriods(ctx: WebContext): Promise<OperatorPeriods> {
  const settings = ctx.admin.settlement;
  const now = ctx.now();
  const { periods, due } = await periodStatuses(await listPeriods(ctx.db, settings, now), ctx.admin.settleQueue, { ...settings, now });
  const waiting = periods.filter((r) => due.has(r.period) && r.status !== 'running').map((r) => r.period);
  const nextOpen = periodOf(new Date(now.getTime() - settings.graceMinutes * 60_000), settings.timeZone);
  return { periods: periods.reverse(), waiting, next: { period: nextOpen, at: settleableAt(nextOpen, settings) } };
}

/** One period's run and notices; a period the hub knows nothing of is a 404. */
export async function loadPeriodDetail(ctx: WebContext, raw: string): Promise<PeriodDetail> {
  const period = validPeriod(raw);
  const found = (await loadOperatorPeriods(ctx)).periods.find((p) => p.period === period);
  if (!found) throw new WebError(404, 'not_found', `${period} has no flattrs and no run`);
  const counts = await ctx.db.$queryRawUnsafe<NoticeCount[]>(
    `SELECT kind, status, reason, count(*)::int AS n FROM notifications WHERE period = $1 GROUP BY kind, status, reason ORDER BY kind, status, reason`, period,
  );
  const unsentIds = (await ctx.db.$queryRawUnsafe<{ id: bigint }[]>(
    `SELECT id FROM notifications WHERE period = $1 AND status <> 'sent' ORDER BY id LIMIT $2`, period, UNSENT_LISTED,
  )).map((r) => r.id);
  return { period: found, notices: { counts, unsent: unsentIds.length ? await listNotices(ctx.db, period, unsentIds) : [] } };
}

/**
 * `flattr settle --dry-run` for the page and the API: what settling the
 * period now would move, read-only. The current month may be previewed;
 * a month to come or a malformed one is refused.
 */
export async function dryRunPeriod(ctx: WebContext, raw: string): Promise<DryRun> {
  const period = validPeriod(raw);
  const settings = ctx.admin.settlement;
  const now = ctx.now();
  let preview: SettlementPreview;
  try {
    preview = await previewSettlement(ctx.db, period, settings, now);
  } catch (error) {
    if (error instanceof PeriodNotStartedError) throw new WebError(422, 'invalid_input', error.message);
    throw error;
  }
  const [run] = await ctx.db.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM settlement_runs WHERE period = $1`, period);
  const closesAt = settleableAt(period, settings);
  return { ...preview, runStatus: run?.status ?? null, open: now < closesAt, closesAt };
}

function validPeriod(raw: string): string {
  try {
    return parsePeriod(raw);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new WebError(404, 'not_found', error.message);
    throw error;
  }
}
