import type { AdapterIgnoreReason } from '../../src/adapters/port.js';
import { describeZodError, type LikeEvent } from '../../src/domain/like-event.js';
import { reactionEventSchema, type EventCallback } from './schema.js';

/** What the transport knows about the people involved (from users.info), since the event itself does not say. */
export type ReactorFacts = { isBot: boolean; authorIsBot?: boolean };

export type SlackIgnoreReason = Extract<AdapterIgnoreReason, 'unhandled_event' | 'malformed_event' | 'file_item' | 'no_author' | 'self_like' | 'bot_user' | 'bot_author'>;
export type Normalized =
  | { kind: 'like'; event: LikeEvent }
  | { kind: 'ignored'; reason: SlackIgnoreReason; details: Record<string, unknown> };

/**
 * A reaction_added / reaction_removed envelope → LikeEvent (docs/contracts.md):
 * liker "TEAM:USER", author "TEAM:item_user", item "TEAM:channel:ts", the
 * team as community, Slack's event_id as the id (retries share it), and
 * event_ts as the time. Pure: facts about the user come in as an argument.
 */
export function normalizeSlackEvent(envelope: EventCallback, facts?: ReactorFacts): Normalized {
  const { team_id: team, event_id: eventId } = envelope;
  if (envelope.event.type !== 'reaction_added' && envelope.event.type !== 'reaction_removed') {
    return { kind: 'ignored', reason: 'unhandled_event', details: { type: envelope.event.type, eventId } };
  }
  const parsed = reactionEventSchema.safeParse(envelope.event);
  if (!parsed.success) return { kind: 'ignored', reason: 'malformed_event', details: { eventId, problem: describeZodError(parsed.error) } };
  const event = parsed.data;
  if (event.item.type !== 'message') return { kind: 'ignored', reason: 'file_item', details: { eventId, itemType: event.item.type } };
  if (facts?.isBot) return { kind: 'ignored', reason: 'bot_user', details: { eventId, user: event.user } };
  if (!event.item_user) return { kind: 'ignored', reason: 'no_author', details: { eventId } };
  // Dropped here as on Discord (self_like on both platforms), before any users.info call; the
  // ingest still catches a like of the same person's other linked identity.
  if (event.item_user === event.user) return { kind: 'ignored', reason: 'self_like', details: { eventId, user: event.user } };
  // A bot's message (the hub's own notices included) is no creator's work: no money may flow to it.
  if (facts?.authorIsBot) return { kind: 'ignored', reason: 'bot_author', details: { eventId, author: event.item_user } };
  return {
    kind: 'like',
    event: {
      platform: 'slack',
      eventId,
      action: event.type === 'reaction_added' ? 'like' : 'unlike',
      liker: `${team}:${event.user}`,
      author: `${team}:${event.item_user}`,
      item: `${team}:${event.item.channel}:${event.item.ts}`,
      community: team,
      reaction: event.reaction,
      occurredAt: slackTsToIso(event.event_ts),
    },
  };
}

/** "1360782804.083113" → ISO 8601 with milliseconds, by string slicing (no float rounding surprises). */
export function slackTsToIso(ts: string): string {
  const [seconds, fraction = ''] = ts.split('.');
  const millis = Number(seconds) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
  return new Date(millis).toISOString();
}
