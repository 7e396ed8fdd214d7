import { deriveEventId, describeZodError, likeEventSchema, type LikeEvent } from '../domain/like-event.js';
import { isTooFarInFuture } from '../domain/period.js';

const importLineSchema = likeEventSchema.extend({ eventId: likeEventSchema.shape.eventId.optional() });

export type ParsedLine = { ok: true; event: LikeEvent } | { ok: false; reason: string };

/**
 * One NDJSON line of `likes import`. A line without an eventId gets the
 * derived one (a hash of every field), as an adapter without delivery ids would.
 * A like dated more than 5 minutes ahead is invalid (money rule 2).
 */
export function parseNdjsonLine(line: string, now: Date = new Date()): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const parsed = importLineSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: describeZodError(parsed.error) };
  if (isTooFarInFuture(new Date(parsed.data.occurredAt), now)) return { ok: false, reason: 'occurredAt: more than 5 minutes in the future' };
  const { eventId, ...rest } = parsed.data;
  return { ok: true, event: { ...rest, eventId: eventId ?? deriveEventId(rest) } };
}
