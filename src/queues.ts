/**
 * Queue names. Renaming one strands every job already in Redis under the old
 * name: add a new queue and drain the old one instead.
 */
export const QUEUES = {
  likes: 'likes',
  settle: 'settle',
  notify: 'notify',
  escrow: 'escrow',
  /** X Activity API subscriptions kept in line with the supporters' X settings (adapters/twitter/subscription-sync.ts). */
  xSubscriptions: 'x-subscriptions',
  /** X likes by polling (TWITTER_MODE=poll or both): the tick and one poll per supporter. */
  xPoll: 'x-poll',
  /** Creator payouts through Stripe Connect (monthly) and the daily reconciliation with Stripe (src/payments). */
  payouts: 'payouts',
  /** Monthly top-ups equal to the budget, charged to saved cards at the start of each period (src/payments/monthly). */
  topups: 'topups',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
