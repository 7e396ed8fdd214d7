import type { AdapterIgnoreReason } from '../../src/adapters/port.js';
import type { LikeEvent } from '../../src/domain/like-event.js';
import { legacyDeliverySchema, legacyFavoriteSchema, xaaDeliverySchema, xaaLikeSchema } from './schema.js';

/** What one webhook delivery means to the hub: likes to record, payloads to drop, grants revoked. */
export type XDeliveryOutcome =
  | { kind: 'like'; event: LikeEvent }
  | { kind: 'ignore'; reason: AdapterIgnoreReason; details: Record<string, unknown> }
  | { kind: 'revoked'; xUserId: string };

/**
 * Turns a signed delivery into outcomes. A like is the subscribed user's own
 * (outbound): liker = the subscription's user, author = the liked Post's
 * author, item = the Post id, occurredAt = when the like happened
 * (`timestamp_ms`, never the Post's `created_at`), and the event id is X's
 * (`event_uuid`, else the like's own id), so a redelivery counts once.
 * Likes of the supporter's own Posts by others (inbound) are not flattrs
 * from the supporter; liking one's own Post is a self-like.
 */
export function normalizeXDelivery(body: unknown): XDeliveryOutcome[] {
  const xaa = xaaDeliverySchema.safeParse(body);
  if (xaa.success) return [fromXaa(xaa.data.data)];
  const legacy = legacyDeliverySchema.safeParse(body);
  if (legacy.success && (legacy.data.favorite_events || legacy.data.user_event?.revoke)) {
    if (legacy.data.user_event?.revoke) return [{ kind: 'revoked', xUserId: legacy.data.user_event.revoke.source.user_id }];
    if (!legacy.data.for_user_id) return [ignore('malformed_event', { why: 'favorite_events without for_user_id' })];
    return legacy.data.favorite_events!.map((e) => fromLegacyFavorite(legacy.data.for_user_id!, e));
  }
  if (legacy.success && hasOnlyUnusedLegacyEvents(body)) return [ignore('unhandled_event', { eventType: legacyEventTypes(body).join(',') })];
  return [ignore('malformed_event', { why: 'not an X Activity API or Account Activity API body' })];
}

function fromXaa(data: { event_uuid?: string; event_type: string; filter: { user_id: string; direction?: 'inbound' | 'outbound' }; payload: unknown }): XDeliveryOutcome {
  if (data.event_type === 'oauth.revoke') return { kind: 'revoked', xUserId: data.filter.user_id };
  if (data.event_type !== 'like.create') return ignore('unhandled_event', { eventType: data.event_type });
  const like = xaaLikeSchema.safeParse(data.payload);
  if (!like.success) return ignore('malformed_event', { eventType: data.event_type, why: like.error.issues[0]?.message });
  const subscriber = data.filter.user_id;
  const author = like.data.liked_tweet_author_id;
  if (data.filter.direction === 'inbound') return ignore('inbound_like', { subscriber });
  if (author === subscriber) {
    // Outbound: the supporter liked their own Post. Without a direction it may be anyone's like of it.
    return data.filter.direction === 'outbound' ? ignore('self_like', { liker: subscriber }) : ignore('inbound_like', { subscriber });
  }
  const eventId = data.event_uuid ?? like.data.id;
  if (!eventId) return ignore('malformed_event', { eventType: data.event_type, why: 'no event_uuid and no like id' });
  return {
    kind: 'like',
    event: { platform: 'twitter', eventId, action: 'like', liker: subscriber, author, item: like.data.liked_tweet_id, occurredAt: isoFromMs(like.data.timestamp_ms) },
  };
}

function fromLegacyFavorite(forUserId: string, raw: unknown): XDeliveryOutcome {
  const favorite = legacyFavoriteSchema.safeParse(raw);
  if (!favorite.success) return ignore('malformed_event', { eventType: 'favorite_events', why: favorite.error.issues[0]?.message });
  const liker = favorite.data.user.id_str;
  const author = favorite.data.favorited_status.user.id_str;
  // Someone liking the subscribed user's Tweet.
  if (liker !== forUserId) return ignore('inbound_like', { subscriber: forUserId });
  if (author === liker) return ignore('self_like', { liker });
  return {
    kind: 'like',
    event: { platform: 'twitter', eventId: favorite.data.id, action: 'like', liker, author, item: favorite.data.favorited_status.id_str, occurredAt: isoFromMs(favorite.data.timestamp_ms) },
  };
}

function isoFromMs(ms: string | number): string {
  return new Date(Number(ms)).toISOString();
}

function ignore(reason: AdapterIgnoreReason, details: Record<string, unknown>): XDeliveryOutcome {
  return { kind: 'ignore', reason, details };
}

/** The Account Activity API's other event arrays (tweet_create_events, follow_events…): valid, just not used. */
function legacyEventTypes(body: unknown): string[] {
  return Object.keys(body as object).filter((k) => k.endsWith('_events') || k === 'user_event');
}

function hasOnlyUnusedLegacyEvents(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'for_user_id' in body && legacyEventTypes(body).length > 0;
}
