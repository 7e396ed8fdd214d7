import type { Cached } from '../view-cache.js';
import type { WebContext } from '../web-context.js';
import { loadCreatorEarnings, type CreatorEarnings } from './load-creator-earnings.js';

/** A page of the creator's earnings for this view: read afresh, or kept from a view of the last moment (web-views.ts). */
export function keptCreatorEarnings(ctx: WebContext, userId: number, page: number): Promise<Cached<CreatorEarnings>> {
  return ctx.views.earnings.get(userId, `page|${page}`, ctx.now().getTime(),
    () => loadCreatorEarnings(ctx.db, userId, { holdDays: ctx.money.escrowHoldDays, page }));
}
