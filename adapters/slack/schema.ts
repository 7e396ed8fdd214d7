import { z } from 'zod';

/**
 * The fields of Slack payloads the hub uses, checked at the edge. Slack adds
 * fields over time, so every object passes unknown keys through.
 * Events API envelope: https://docs.slack.dev/apis/events-api/#callback-field
 * reaction_added: https://docs.slack.dev/reference/events/reaction_added
 */
const slackId = z.string().trim().min(1).max(64);
const slackTs = z.string().regex(/^\d{1,12}\.\d{1,9}$/, 'must be a Slack timestamp such as 1360782804.083113');

export const eventCallbackSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: slackId,
  event_id: slackId,
  event: z.looseObject({ type: z.string().min(1) }),
});
export type EventCallback = z.infer<typeof eventCallbackSchema>;

export const reactionEventSchema = z.looseObject({
  type: z.enum(['reaction_added', 'reaction_removed']),
  user: slackId,
  reaction: z.string().trim().min(1).max(100),
  /** Absent when the item has no human author (some bot and app messages). */
  item_user: slackId.optional(),
  item: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('message'), channel: slackId, ts: slackTs }),
    z.looseObject({ type: z.literal('file'), file: slackId }),
    z.looseObject({ type: z.literal('file_comment'), file: slackId.optional(), file_comment: slackId }),
  ]),
  event_ts: slackTs,
});
export type ReactionEvent = z.infer<typeof reactionEventSchema>;

/** A slash command as Slack posts it (form fields): https://docs.slack.dev/interactivity/implementing-slash-commands */
export const slashCommandSchema = z.looseObject({
  command: z.string().min(1),
  text: z.string().max(4000).default(''),
  team_id: slackId,
  user_id: slackId,
  channel_id: slackId.optional(),
  // Deprecated by Slack but still sent; only names a creator who turned digest mentions off.
  user_name: z.string().max(100).optional().catch(undefined),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

/** The kinds of request body Bolt knows how to route; anything else is acknowledged and ignored. */
export function isRoutableBody(body: Record<string, unknown>): boolean {
  if (typeof body.type === 'string') {
    return ['event_callback', 'url_verification', 'block_actions', 'block_suggestion', 'view_submission', 'view_closed',
      'shortcut', 'message_action', 'interactive_message', 'dialog_submission', 'dialog_cancellation', 'dialog_suggestion'].includes(body.type);
  }
  return typeof body.command === 'string' || body.ssl_check === '1';
}
