import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../support/logger.js';
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
  private tell?: (userId: number) => void;

  /** After a change made through this process (any signed-in POST, PUT or DELETE; a sign-in): the user's next views read afresh, here and in every api process told. */
  forgetUser(userId: number): void {
    this.forgetHere(userId);
    this.tell?.(userId);
  }

  forgetHere(userId: number): void {
    this.month.forgetUser(userId);
    this.earnings.forgetUser(userId);
  }

  /**
   * Api processes sharing a Redis (and QUEUE_PREFIX) tell each other what to
   * forget, so a change made through one is seen by a view another serves
   * (behind a load balancer) as soon as the message arrives, well under the
   * few seconds a reading is kept. Returns what stops listening.
   */
  async share(redis: Redis, channel: string, logger: Logger): Promise<() => Promise<void>> {
    const listener = redis.duplicate();
    listener.on('error', (error: Error) => logger.warn({ err: error }, 'web views: the forget channel lost Redis; views of changes made elsewhere show within seconds'));
    // "<sender>:<user>": a process's own message comes back to it too, after it may have read afresh already.
    const sender = randomUUID();
    listener.on('message', (_channel: string, message: string) => {
      const [from, user] = message.split(':');
      const userId = Number(user);
      if (from !== sender && Number.isSafeInteger(userId)) this.forgetHere(userId);
    });
    await listener.subscribe(channel);
    // Fire and forget: a lost message only means the other processes show the change a few seconds later.
    this.tell = (userId) => void redis.publish(channel, `${sender}:${userId}`).catch(() => undefined);
    return async () => {
      this.tell = undefined;
      listener.disconnect();
    };
  }
}
