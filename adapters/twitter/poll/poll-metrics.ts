import { Counter, Gauge, type Registry } from 'prom-client';

export type PollMetrics = ReturnType<typeof createPollMetrics>;

/**
 * What polling X costs and covers (docs/contracts.md, Metrics). X bills each
 * Post read, so `flattr_x_posts_read_total` is the month's bill coming in.
 * Registered on the hub's registry by the process that polls.
 */
export function createPollMetrics(registry: Registry) {
  return {
    postsRead: new Counter({ name: 'flattr_x_posts_read_total', help: 'Posts read from GET /2/users/:id/liked_tweets, every read counted', registers: [registry] }),
    // X deduplicates a Post's reads per UTC day: this one is what the bill counts.
    postsBilled: new Counter({ name: 'flattr_x_posts_billed_total', help: 'Posts read from liked_tweets for the first time in their UTC day: what X bills', registers: [registry] }),
    requests: new Counter({
      name: 'flattr_x_poll_requests_total', help: 'Requests to GET /2/users/:id/liked_tweets by outcome (ok, rate_limited, unauthorized, malformed, failed)',
      labelNames: ['outcome'] as const, registers: [registry],
    }),
    capacity: new Gauge({ name: 'flattr_x_poll_capacity', help: 'Supporters X\'s per-app limit lets the hub poll every TWITTER_POLL_INTERVAL, at TWITTER_POLL_MAX_PAGES pages a poll', registers: [registry] }),
    supporters: new Gauge({ name: 'flattr_x_poll_supporters', help: 'Connected supporters with X on, to be polled', registers: [registry] }),
  };
}
