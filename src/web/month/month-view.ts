import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { MonthCache } from './month-cache.js';
import { loadMonthHeader, type MonthHeader } from './month-header.js';
import { loadMonthShares, type MonthFlattr } from './month-shares.js';

/**
 * Rows listed per page: a 10,000-flattr month stays one quick page, while
 * the totals count every flattr. Writing the answer is most of a view's
 * cost (bench/web: 205 views/s at 200 rows, 335 at 50).
 */
export const MONTH_PAGE_SIZE = 100;
/** How long a computed split serves further views (see month-cache.ts). */
const CACHE_TTL_MS = 2_000;
/** About 20 supporters of 10,000 flattrs, a few MB. */
const CACHE_MAX_ROWS = 200_000;

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
    /** Renderings of this page kept with the split they show (render-month.ts), so repeated views skip building them. */
    memo: Map<string, string>;
  };
};

const caches = new WeakMap<WebContext, MonthCache>();

/** One cache per mounted web (the page and the API share it). */
export function monthCache(ctx: WebContext): MonthCache {
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = new MonthCache({ ttlMs: CACHE_TTL_MS, maxRows: CACHE_MAX_ROWS })));
  return cache;
}

export async function loadMonthView(ctx: WebContext, userId: number, page: number): Promise<MonthView> {
  const now = ctx.now();
  const header = await loadMonthHeader(ctx.db, userId, now, ctx.money.timeZone);
  // A session outliving its user (an operator removed it) names nobody.
  if (!header) throw new WebError(401, 'unauthenticated', 'this session names no user any more: sign in again');
  const { period, locale, currency, identities, wallet, supporter } = header;
  if (!supporter) return { period, locale, currency, identities, supporter: null };
  const settings = { feeBps: ctx.money.feeBps, policy: ctx.money.unspentPolicy };
  const stamp = `${period}|${currency}|${supporter.budget}|${wallet}`;
  const { shares, memo } = await monthCache(ctx).get(userId, stamp, now.getTime(), () => loadMonthShares(ctx.db, userId, period, settings, MONTH_PAGE_SIZE));
  const pages = Math.max(1, Math.ceil(shares.count / MONTH_PAGE_SIZE));
  // A page past the last (the list shrank since the link was made) shows the last one.
  const at = Math.min(Math.max(1, page), pages);
  const min = supporter.budget < wallet ? supporter.budget : wallet;
  return {
    period, locale, currency, identities,
    supporter: {
      budget: supporter.budget, active: supporter.active, platforms: supporter.platforms, wallet, available: min > 0n ? min : 0n,
      charged: shares.charged, fee: shares.fee, distributable: shares.count ? shares.charged - shares.fee : 0n,
      flattrCount: shares.count, page: at, pages,
      flattrs: shares.page(at), memo,
    },
  };
}
