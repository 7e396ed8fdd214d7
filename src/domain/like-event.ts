import { createHash } from 'node:crypto';
import { z } from 'zod';

export const PLATFORMS = ['twitter', 'discord', 'slack'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const platformSchema = z.enum(PLATFORMS);

// eslint-disable-next-line no-control-regex -- PostgreSQL text cannot hold NUL, and no platform id contains control characters.
const text = (max: number) => z.string().trim().min(1).max(max).regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');
const id = text(200);

/** The one normalized event every adapter produces (docs/contracts.md). */
export const likeEventSchema = z
  .object({
    platform: platformSchema,
    eventId: id,
    action: z.enum(['like', 'unlike']),
    liker: id,
    author: id,
    item: text(500),
    community: id.optional(),
    reaction: text(100).optional(),
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type LikeEvent = z.infer<typeof likeEventSchema>;

/**
 * The event id for platforms without a delivery id of their own: a hash of
 * every field, occurredAt included, so a redelivery hashes the same and a
 * later like of the same item does not.
 */
export function deriveEventId(event: Omit<LikeEvent, 'eventId'>): string {
  const canonical = JSON.stringify([
    event.platform, event.action, event.liker, event.author, event.item,
    event.community ?? '', event.reaction ?? '', new Date(event.occurredAt).toISOString(),
  ]);
  return `${event.platform}-${createHash('sha256').update(canonical).digest('base64url').slice(0, 32)}`;
}

/** BullMQ job ids must not contain ':' and should stay short: hash the event id. */
export function likeJobId(eventId: string): string {
  return `like-${createHash('sha256').update(eventId).digest('base64url').slice(0, 32)}`;
}

/** Human-readable problems of a parse failure, each naming its field. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`).join('; ');
}

/** The channel of a Discord ("guild:channel:message") or Slack ("TEAM:channel:ts") item; none on X. */
export function channelOfItem(event: Pick<LikeEvent, 'platform' | 'item'>): string | undefined {
  if (event.platform === 'twitter') return undefined;
  const parts = event.item.split(':');
  return parts.length === 3 ? parts[1] : undefined;
}
