import { deriveEventId, type LikeEvent } from '../../../src/domain/like-event.js';
import type { SeenLike } from './diff-likes.js';

/**
 * The LikeEvents a poll decided. X gives no like time and no event id here,
 * so a like is dated when the hub first saw it and an unlike when the hub
 * noticed it gone, and the event id is the hash of every field, that date
 * included (DESIGN.md section 1): the same decision sent twice is one event,
 * a like given again later is another.
 *
 * Converging with the webhook (TWITTER_MODE=both): the webhook's event for the
 * same like has X's event_uuid and the like's own time, earlier than any poll
 * could see it. A like new to the poller's window that the hub already counts
 * as liked (heard-likes.ts) is not sent at all: dated when the poller saw it,
 * possibly in a month begun since, it would be a second flattr of one like.
 * (Were one sent in the same month, it would land on the same reaction state
 * and flattr, unique per supporter, item and period: still one flattr.) An unlike seen by polling is dated
 * after both, so it wins over either and revokes the flattr whichever way the
 * like came in; a like given again is seen later still and restores it.
 */
export function pollEvents(liker: string, decided: { liked: SeenLike[]; unliked: SeenLike[] }, noticedAt: string): { events: LikeEvent[]; unattributed: number } {
  const events: LikeEvent[] = [];
  let unattributed = 0;
  const add = (action: LikeEvent['action'], like: SeenLike, occurredAt: string) => {
    // A like whose author X left out cannot be credited to anyone.
    if (like.author === undefined) return void unattributed++;
    const event = { platform: 'twitter' as const, action, liker, author: like.author, item: like.id, occurredAt };
    events.push({ ...event, eventId: deriveEventId(event) });
  };
  // Oldest first, as they happened.
  for (const like of [...decided.liked].reverse()) add('like', like, like.seenAt);
  for (const like of decided.unliked) add('unlike', like, noticedAt);
  return { events, unattributed };
}
