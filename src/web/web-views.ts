import type { CreatorEarnings } from './earnings/load-creator-earnings.js';
import type { MonthHeader } from './month/month-header.js';
import type { MonthShares } from './month/month-shares.js';
import { ViewCache } from './view-cache.js';

/** How long a reading serves further views as it is, then while the next is read (see view-cache.ts). */
export const VIEW_TTL_MS = 2_000;
export const VIEW_STALE_MS = 3_000;

/** The month page's reading: the header (settings, wallet, period) and, for a supporter, the split. Undefined: the user is gone. */
export type MonthReading = { header: MonthHeader; shares?: MonthShares } | undefined;

/**
 * The per-user view caches of one mounted web (the pages and the API share
 * them): the month (bounded by flattr rows: about 20 supporters of 10,000,
 * a few MB) and the creator's earnings (per page of months).
 */
export class WebViews {
  readonly month = new ViewCache<MonthReading>({ ttlMs: VIEW_TTL_MS, staleMs: VIEW_STALE_MS, maxWeight: 200_000, weigh: (r) => 1 + (r?.shares?.count ?? 0) });
  readonly earnings = new ViewCache<CreatorEarnings>({ ttlMs: VIEW_TTL_MS, staleMs: VIEW_STALE_MS, maxWeight: 2_000, weigh: () => 1 });

  /** After a change made through this process (any signed-in POST, PUT or DELETE; a sign-in): the user's next views read afresh. */
  forgetUser(userId: number): void {
    this.month.forgetUser(userId);
    this.earnings.forgetUser(userId);
  }
}
