import { deriveEventId, describeZodError, likeEventSchema, type LikeEvent } from '../domain/like-event.js';

const importLineSchema = likeEventSchema.extend({ eventId: likeEventSchema.shape.eventId.optional() });

export type ParsedLine = { ok: true; event: LikeEvent } | { ok: false; reason: string };

/**
 * One NDJSON line of `likes import`. A line without an eventId gets the
 * derived one (a hash of every field), as an adapter without delivery ids would.
 */
export function parseNdjsonLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const parsed = importLineSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: describeZodError(parsed.error) };
  const { eventId, ...rest } = parsed.data;
  return { ok: true, event: { ...rest, eventId: eventId ?? deriveEventId(rest) } };
}
