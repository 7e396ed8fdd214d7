import type { JobsOptions, Queue } from 'bullmq';
import { likeJobId, type LikeEvent } from '../domain/like-event.js';

export const LIKE_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
};

/**
 * The live path: one job per delivery. The job id is a hash of the event id,
 * so a redelivery while the first is still queued is the same job; the
 * like_events primary key is the real guard after that.
 */
export async function enqueueLike(queue: Queue, event: LikeEvent): Promise<void> {
  await queue.add('like', { event }, { ...LIKE_JOB_OPTIONS, jobId: likeJobId(event.eventId) });
}
