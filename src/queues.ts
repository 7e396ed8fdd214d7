/**
 * Queue names. Renaming one strands every job already in Redis under the old
 * name: add a new queue and drain the old one instead.
 */
export const QUEUES = {
  likes: 'likes',
  settle: 'settle',
  notify: 'notify',
  escrow: 'escrow',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
