import type { Db } from '../../../src/db/database.js';
import type { Logger } from '../../../src/support/logger.js';
import { countPollable } from './due-identities.js';
import type { PollMetrics } from './poll-metrics.js';
import { pollCapacity, type PollSettings } from './poll-settings.js';

/**
 * The start's one line about polling: what it reads, how many supporters
 * X's per-app limit lets it cover, how many there are; a warning with what to
 * change when they are more. The same two figures are the metrics
 * flattr_x_poll_capacity and flattr_x_poll_supporters, kept fresh by each tick.
 */
export async function announcePolling(db: Db, settings: PollSettings, metrics: PollMetrics, logger: Logger): Promise<{ capacity: number; supporters: number }> {
  const supporters = await countPollable(db);
  const capacity = pollCapacity(settings);
  metrics.capacity.set(capacity);
  metrics.supporters.set(supporters);
  const fields = { intervalSeconds: settings.intervalSeconds, maxPages: settings.maxPages, pageSize: settings.pageSize, capacity, supporters };
  const line = `x polling: every ${settings.intervalSeconds} s, at most ${settings.maxPages} page(s) of ${settings.pageSize} likes a poll; `
    + `X's limit of ${settings.appLimit} requests per ${settings.appWindowSeconds / 60} minutes per app covers ${capacity} supporters, ${supporters} connected with X on`;
  if (supporters > capacity) {
    logger.warn(fields, `${line}: over capacity, each is polled in turn less often than every ${settings.intervalSeconds} s `
      + '(raise TWITTER_POLL_INTERVAL, lower TWITTER_POLL_MAX_PAGES, or use TWITTER_MODE=webhook, which has no such cap)');
  } else {
    logger.info(fields, line);
  }
  return { capacity, supporters };
}
