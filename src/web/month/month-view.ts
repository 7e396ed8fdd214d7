import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import type { Cached } from '../view-cache.js';
import type { MonthReading } from '../web-views.js';
import { loadMonthHeader, type MonthHeader } from './month-header.js';
import { loadMonthShares, type MonthFlattr } from './month-shares.js';

/**
 * Rows listed per page: a 10,000-flattr month stays one quick page, while
 * the totals count every flattr. Writing the answer is most of a view's
 * cost (bench/web: 205 views/s at 200 rows, 335 at 50).
 */
export const MONTH_PAGE_SIZE = 100;

/** The supporter's month as the page and GET /api/v1/month show it. */
export type MonthView = {
  period: string;
  locale: string;
  currency: string;
  identities: MonthHeader['identities'];
  supporter: null | {
    budget: bigint;
    active: boolean;
    /** Platforms whose likes count (opt-in, off by default). */
    platforms: string[];
    wallet: bigint;
    /** Money rule 5: A = min(budget, wallet), never below zero. */
    available: bigint;
    /** What settling now would take from the wallet: A with flattrs, nothing without (or A to charity under UNSPENT_POLICY=charity). */
    charged: bigint;
    fee: bigint;
    /** Σ shares = charged − fee. */
    distributable: bigint;
    flattrCount: number;
    page: number;
    pages: number;
    flattrs: MonthFlattr[];
  };
  /** What the view was made from: answers made of it (a rendered table, a JSON text) are kept with it (memoized). */
  reading: Cached<MonthReading>;
};

/** The supporter's month for this view: read afresh, or kept from a view of the last moment (web-views.ts). */
export async function loadMonthView(ctx: WebContext, userId: number, page: number): Promise<MonthView> {
  const now = ctx.now();
  const settings = { feeBps: ctx.money.feeBps, policy: ctx.money.unspentPolicy };
  const reading = await ctx.views.month.get(userId, 'month', now.getTime(), async () => {
    const header = await loadMonthHeader(ctx.db, userId, now, ctx.money.timeZone);
    if (!header?.supporter) return header && { header };
    return { header, shares: await loadMonthShares(ctx.db, userId, header.period, settings, MONTH_PAGE_SIZE) };
  });
  // A session outliving its user (an operator removed it) names nobody.
  if (!reading.value) throw new WebError(401, 'unauthenticated', 'this session names no user any more: sign in again');
  const { header: { period, locale, currency, identities, wallet, supporter }, shares } = reading.value;
  if (!supporter || !shares) return { period, locale, currency, identities, supporter: null, reading };
  const pages = Math.max(1, Math.ceil(shares.count / MONTH_PAGE_SIZE));
  // A page past the last (the list shrank since the link was made) shows the last one.
  const at = Math.min(Math.max(1, page), pages);
  const min = supporter.budget < wallet ? supporter.budget : wallet;
  return {
    period, locale, currency, identities, reading,
    supporter: {
      budget: supporter.budget, active: supporter.active, platforms: supporter.platforms, wallet, available: min > 0n ? min : 0n,
      charged: shares.charged, fee: shares.fee, distributable: shares.count ? shares.charged - shares.fee : 0n,
      flattrCount: shares.count, page: at, pages,
      flattrs: shares.page(at),
    },
  };
}
