import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AdapterIgnoreReason } from '../../src/adapters/port.js';
import { describeZodError, type LikeEvent } from '../../src/domain/like-event.js';
import {
  reactionChangeSchema, reactionRemoveAllSchema, reactionRemoveEmojiSchema, type PartialEmoji,
} from './schema.js';

/**
 * Where and when a dispatch reached us. Discord dispatches carry no timestamp
 * and no delivery id, but within a gateway session each has a sequence number
 * that a RESUME replays unchanged: (sessionId, sequence) names one delivery.
 */
export type GatewayStamp = { sessionId: string; sequence: number; receivedAt: Date };

export type ReactionTarget = { guildId: string; channelId: string; messageId: string };
/** One user's reaction added or removed. `authorId` when the dispatch names it. */
export type ReactionChange = ReactionTarget & {
  kind: 'change'; action: LikeEvent['action']; userId: string; reaction: string; authorId?: string;
};
/** Reactions removed by a moderator: every one (`reaction` absent) or every user's of one emoji. */
export type ReactionClear = ReactionTarget & { kind: 'clear'; reaction?: string };
export type Ignored = { kind: 'ignored'; reason: AdapterIgnoreReason; details?: Record<string, unknown> };
export type ParsedReaction = ReactionChange | ReactionClear | Ignored;

export const REACTION_DISPATCHES = [
  'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'MESSAGE_REACTION_REMOVE_ALL', 'MESSAGE_REACTION_REMOVE_EMOJI',
] as const;
export type ReactionDispatch = (typeof REACTION_DISPATCHES)[number];

export function isReactionDispatch(type: unknown): type is ReactionDispatch {
  return (REACTION_DISPATCHES as readonly unknown[]).includes(type);
}

/**
 * A raw reaction dispatch → what it means for flattrs, or why it is ignored.
 * Pure: the caller supplies the bot's own user id (its reactions are never flattrs).
 */
export function parseReactionDispatch(type: ReactionDispatch, data: unknown, selfId?: string): ParsedReaction {
  if (type === 'MESSAGE_REACTION_ADD' || type === 'MESSAGE_REACTION_REMOVE') {
    const parsed = reactionChangeSchema.safeParse(data);
    if (!parsed.success) return malformed(type, parsed.error);
    const d = parsed.data;
    if (d.guild_id === undefined) return { kind: 'ignored', reason: 'direct_message', details: { type, channel: d.channel_id } };
    if (d.user_id === selfId) return { kind: 'ignored', reason: 'own_reaction', details: { type } };
    // Only ADD says who reacted; a bot's REMOVE reaches the ingest, which finds no supporter.
    if (d.member?.user.bot) return { kind: 'ignored', reason: 'bot_user', details: { type, user: d.user_id } };
    const reaction = reactionName(d.emoji);
    if (reaction === undefined) return { kind: 'ignored', reason: 'emoji_without_name', details: { type, emoji: d.emoji.id } };
    return {
      kind: 'change', action: type === 'MESSAGE_REACTION_ADD' ? 'like' : 'unlike', userId: d.user_id, reaction,
      guildId: d.guild_id, channelId: d.channel_id, messageId: d.message_id,
      ...(type === 'MESSAGE_REACTION_ADD' && d.message_author_id ? { authorId: d.message_author_id } : {}),
    };
  }
  if (type === 'MESSAGE_REACTION_REMOVE_ALL') {
    const parsed = reactionRemoveAllSchema.safeParse(data);
    if (!parsed.success) return malformed(type, parsed.error);
    return clearOf(type, parsed.data);
  }
  const parsed = reactionRemoveEmojiSchema.safeParse(data);
  if (!parsed.success) return malformed(type, parsed.error);
  const reaction = reactionName(parsed.data.emoji);
  if (reaction === undefined) return { kind: 'ignored', reason: 'emoji_without_name', details: { type } };
  return clearOf(type, parsed.data, reaction);
}

function clearOf(type: ReactionDispatch, d: { guild_id?: string; channel_id: string; message_id: string }, reaction?: string): ParsedReaction {
  if (d.guild_id === undefined) return { kind: 'ignored', reason: 'direct_message', details: { type, channel: d.channel_id } };
  return { kind: 'clear', guildId: d.guild_id, channelId: d.channel_id, messageId: d.message_id, ...(reaction ? { reaction } : {}) };
}

/** Custom emoji by name (`flattr`), standard ones by their unicode (`⭐`); the ingest canonicalizes both. */
export function reactionName(emoji: PartialEmoji): string | undefined {
  return emoji.name ?? undefined;
}

export function itemOf(target: ReactionTarget): string {
  return `${target.guildId}:${target.channelId}:${target.messageId}`;
}

/**
 * The LikeEvent for one user's reaction change. occurredAt is the hub's
 * receipt time (docs/architecture.md, Adapters). The event id hashes the delivery
 * (session, sequence) instead of that time, so a dispatch replayed after a
 * RESUME gets the same id and counts once, while a new reaction, even the
 * same one again, arrives with a new sequence number and a new id. One
 * REMOVE_ALL dispatch becomes several events, told apart by liker and reaction.
 */
export function toLikeEvent(
  change: Pick<ReactionChange, 'action' | 'userId' | 'reaction'> & ReactionTarget, authorId: string, stamp: GatewayStamp,
): LikeEvent {
  const item = itemOf(change);
  const delivery = JSON.stringify([stamp.sessionId, stamp.sequence, change.action, change.userId, item, change.reaction]);
  return {
    platform: 'discord',
    eventId: `discord-${createHash('sha256').update(delivery).digest('base64url').slice(0, 32)}`,
    action: change.action,
    liker: change.userId,
    author: authorId,
    item,
    community: change.guildId,
    reaction: change.reaction,
    occurredAt: stamp.receivedAt.toISOString(),
  };
}

function malformed(type: ReactionDispatch, error: z.ZodError): Ignored {
  return { kind: 'ignored', reason: 'malformed_dispatch', details: { type, problems: describeZodError(error) } };
}
