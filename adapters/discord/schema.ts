import { z } from 'zod';

/**
 * The fields of Discord gateway dispatches and REST answers the adapter uses,
 * checked at the edge. Objects are loose: Discord adds fields without notice.
 * https://discord.com/developers/docs/events/gateway-events#message-reaction-add
 */
const snowflake = z.string().regex(/^\d{1,20}$/, 'must be a Discord snowflake');

/** A partial emoji: `id` null for standard (unicode) emoji; `name` null for a deleted custom one. */
export const partialEmojiSchema = z.looseObject({
  id: snowflake.nullable(),
  name: z.string().min(1).nullable(),
});

const userSchema = z.looseObject({ id: snowflake, bot: z.boolean().optional() });

/** MESSAGE_REACTION_ADD and _REMOVE: a remove has no `member` and no `message_author_id`. */
export const reactionChangeSchema = z.looseObject({
  user_id: snowflake,
  channel_id: snowflake,
  message_id: snowflake,
  guild_id: snowflake.optional(),
  emoji: partialEmojiSchema,
  member: z.looseObject({ user: userSchema }).optional(),
  /** Sent on ADD by current gateway versions; saves fetching the message. */
  message_author_id: snowflake.optional(),
});

/** MESSAGE_REACTION_REMOVE_ALL (no emoji) and _REMOVE_EMOJI (emoji required). */
export const reactionRemoveAllSchema = z.looseObject({
  channel_id: snowflake,
  message_id: snowflake,
  guild_id: snowflake.optional(),
});
export const reactionRemoveEmojiSchema = reactionRemoveAllSchema.extend({ emoji: partialEmojiSchema });

/** GET /channels/{channel.id}/messages/{message.id}: only the author matters here. */
export const messageSchema = z.looseObject({ id: snowflake, channel_id: snowflake, author: userSchema });

export type PartialEmoji = z.infer<typeof partialEmojiSchema>;
export type MessageAuthor = z.infer<typeof userSchema>;

/**
 * INTERACTION_CREATE: the fields discord.js dereferences without a guard
 * while building an interaction (a missing one would throw inside its
 * gateway handler). https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */
export const interactionSchema = z.looseObject({
  id: snowflake,
  application_id: snowflake,
  type: z.number().int(),
  token: z.string().min(1),
  entitlements: z.array(z.unknown()),
  user: userSchema.optional(),
  member: z.looseObject({ user: userSchema }).optional(),
  data: z.looseObject({}).optional(),
}).refine((i) => i.user !== undefined || i.member !== undefined, { message: 'needs user or member.user', path: ['user'] })
  .refine((i) => i.type === 1 || i.data !== undefined, { message: 'required for this interaction type', path: ['data'] });

/** READY: the session id names this connection's deliveries (see normalize.ts GatewayStamp). */
export const readySchema = z.looseObject({ session_id: z.string().min(1) });

/**
 * GET /gateway/bot: how many shards Discord wants (one per 2,500 guilds at
 * most) and how many may IDENTIFY at once.
 * https://discord.com/developers/docs/events/gateway#get-gateway-bot
 */
export const gatewayBotSchema = z.looseObject({
  shards: z.number().int().min(1),
  session_start_limit: z.looseObject({ max_concurrency: z.number().int().min(1) }),
});
