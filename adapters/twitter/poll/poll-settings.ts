/**
 * How the poller reads liked_tweets. `intervalSeconds`, `maxPages` and
 * `pageSize` come from TWITTER_POLL_INTERVAL, TWITTER_POLL_MAX_PAGES and
 * TWITTER_POLL_PAGE_SIZE; the app limit is X's, per app and per user, on
 * GET /2/users/:id/liked_tweets (75 requests per 15 minutes, PLATFORMS.md).
 */
export type PollSettings = {
  intervalSeconds: number;
  maxPages: number;
  pageSize: number;
  appLimit: number;
  appWindowSeconds: number;
  /** How often the tick looks for supporters due a poll. */
  tickSeconds: number;
};

export const X_LIKED_TWEETS_LIMIT = { requests: 75, windowSeconds: 15 * 60 } as const;

export function pollSettings(poll: { intervalSeconds: number; maxPages: number; pageSize: number }): PollSettings {
  return {
    ...poll,
    appLimit: X_LIKED_TWEETS_LIMIT.requests,
    appWindowSeconds: X_LIKED_TWEETS_LIMIT.windowSeconds,
    // Often enough to spread the app's requests evenly (75 per 15 minutes: one every 12 s), never more than the interval.
    tickSeconds: Math.min(60, poll.intervalSeconds),
  };
}

/**
 * Supporters the app's limit lets the hub poll every interval when every poll
 * uses its page cap: app limit × (interval / window) / pages per poll. A poll
 * that finds the last like it saw on its first page costs one request, so
 * steady polling covers up to maxPages times more; beyond capacity every
 * supporter is still polled, in turn, less often than the interval.
 */
export function pollCapacity(settings: Pick<PollSettings, 'intervalSeconds' | 'maxPages' | 'appLimit' | 'appWindowSeconds'>): number {
  return Math.floor((settings.appLimit * settings.intervalSeconds) / (settings.appWindowSeconds * settings.maxPages));
}

/** Polls the tick may start at once: the app's rate over one tick, so requests spread over the window instead of bursting at its start. */
export function pollsPerTick(settings: Pick<PollSettings, 'appLimit' | 'appWindowSeconds' | 'tickSeconds'>): number {
  return Math.max(1, Math.ceil((settings.appLimit * settings.tickSeconds) / settings.appWindowSeconds));
}
