import type { AdapterContext } from '../../src/adapters/port.js';
import type { LikeEvent, Platform } from '../../src/domain/like-event.js';
import type { Logger } from '../../src/support/logger.js';
import { createRetryBuffer, type RetryBuffer, type RetryBufferOptions } from '../../src/support/retry-buffer.js';

/**
 * The likes a platform delivered, on their way to the likes queue. A
 * platform that does not redeliver (the Discord gateway acknowledges in its
 * heartbeats, whatever the hub did with a dispatch) loses a like whose
 * enqueue failed, so a failed enqueue is kept and retried while Redis is
 * down. A like given up is counted in flattr_likes_dropped_total and logged
 * as an error with the whole event, enough to import it again by hand.
 */
export function createLikeBuffer(platform: Platform, ctx: Pick<AdapterContext, 'emitLike' | 'metrics'>, logger: Logger, options?: RetryBufferOptions): RetryBuffer<LikeEvent> {
  return createRetryBuffer<LikeEvent>({
    send: (event) => ctx.emitLike(event),
    onDrop(event, reason) {
      ctx.metrics.likesDropped.inc({ platform, reason });
      logger.error({ reason, event }, `${platform}: like dropped, never enqueued (${reason})`);
    },
    onFailing: (error, waiting) => logger.warn({ err: error, waiting }, `${platform}: likes queue unreachable; holding likes and retrying`),
    onRecovered: () => logger.info(`${platform}: likes queue reachable again`),
    onSize: (held) => ctx.metrics.likesBuffered.set({ platform }, held),
  }, options);
}
