import { z } from 'zod';

/** X user and Post ids: decimal strings (never JSON numbers, which lose precision past 2^53). */
const xId = z.string().regex(/^\d{1,20}$/);

/**
 * An X Activity API delivery (https://docs.x.com/x-api/activity/introduction):
 * `data.event_type` says what happened to the subscription's `filter.user_id`.
 * Only the fields the hub reads are checked; X may add others.
 */
export const xaaDeliverySchema = z.looseObject({
  data: z.looseObject({
    event_uuid: z.string().min(1).max(200).optional(),
    event_type: z.string(),
    filter: z.looseObject({ user_id: xId, direction: z.enum(['inbound', 'outbound']).optional() }),
    payload: z.unknown(),
  }),
});

/** `like.create`: `timestamp_ms` (a string) is when the like happened; `created_at` is the liked Post's. */
export const xaaLikeSchema = z.looseObject({
  id: z.string().min(1).max(200).optional(),
  liked_tweet_id: xId,
  liked_tweet_author_id: xId,
  timestamp_ms: z.union([z.string().regex(/^\d{10,16}$/), z.number().int().positive()]),
});

/** The legacy Account Activity API body: likes as `favorite_events`, a revoked grant as `user_event.revoke`. */
export const legacyDeliverySchema = z.looseObject({
  for_user_id: xId.optional(),
  favorite_events: z.array(z.unknown()).optional(),
  user_event: z.looseObject({ revoke: z.looseObject({ source: z.looseObject({ user_id: xId }) }).optional() }).optional(),
});

export const legacyFavoriteSchema = z.looseObject({
  id: z.string().min(1).max(200),
  timestamp_ms: z.union([z.string().regex(/^\d{10,16}$/), z.number().int().positive()]),
  favorited_status: z.looseObject({ id_str: xId, user: z.looseObject({ id_str: xId }) }),
  user: z.looseObject({ id_str: xId }),
});
