import type { LikeEvent, Platform } from './like-event.js';
import { isTrigger } from './reactions.js';

export type SupporterContext = {
  userId: number;
  active: boolean;
  budgetMinor: bigint;
  platforms: readonly string[];
  triggerReactions: readonly string[];
  allowCommunities: readonly string[];
  blockCommunities: readonly string[];
  /** A refund or lost dispute left them owing money (a receivable): their flattring pauses until a top-up settles it. */
  owes?: boolean;
};

/** Why a like is not a flattr; each is counted in logs and metrics. */
export const IGNORE_REASONS = [
  'not_supporter',
  'supporter_inactive',
  'platform_off',
  'not_trigger',
  'community_blocked',
  'community_not_allowed',
  'self_like',
  // The supporter owes money after a refund or a lost dispute took back a top-up already spent (issue 17).
  'receivable_open',
  // Dated more than 5 minutes after the hub's clock (money rule 2): refused before any rule is judged.
  'future_dated',
] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

export type Judgement = { accept: true } | { accept: false; reason: IgnoreReason };

/**
 * Money rule 4, judged at processing time. Unlikes from a supporter are always
 * honoured (revoking never needs an opt-in), but still only for trigger
 * reactions, so removing an unrelated emoji cannot revoke a flattr.
 */
export function judgeLike(
  event: Pick<LikeEvent, 'action' | 'platform' | 'liker' | 'author' | 'community' | 'reaction'>,
  supporter: SupporterContext | undefined,
  authorUserId: number | null | undefined,
): Judgement {
  if (!supporter) return { accept: false, reason: 'not_supporter' };
  if (event.liker === event.author || (authorUserId != null && authorUserId === supporter.userId)) {
    return { accept: false, reason: 'self_like' };
  }
  if (event.reaction !== undefined && !isTrigger(event.reaction, supporter.triggerReactions)) {
    return { accept: false, reason: 'not_trigger' };
  }
  if (event.action === 'unlike') return { accept: true };
  if (!supporter.active) return { accept: false, reason: 'supporter_inactive' };
  if (supporter.owes) return { accept: false, reason: 'receivable_open' };
  if (!supporter.platforms.includes(event.platform satisfies Platform)) return { accept: false, reason: 'platform_off' };
  if (event.community !== undefined) {
    if (supporter.blockCommunities.includes(event.community)) return { accept: false, reason: 'community_blocked' };
    if (supporter.allowCommunities.length > 0 && !supporter.allowCommunities.includes(event.community)) {
      return { accept: false, reason: 'community_not_allowed' };
    }
  }
  return { accept: true };
}
