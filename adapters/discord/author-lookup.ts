import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { AdapterIgnoreReason } from '../../src/adapters/port.js';
import { describeZodError } from '../../src/domain/like-event.js';
import { itemOf, type ReactionTarget } from './normalize.js';
import type { KnownAuthor, ReactionIndex } from './reaction-index.js';
import { messageSchema } from './schema.js';

export type AuthorResult = { ok: true; author: KnownAuthor } | { ok: false; reason: AdapterIgnoreReason; details: Record<string, unknown> };

/**
 * The author of a reacted-to message: from MESSAGE_REACTION_ADD's
 * `message_author_id` when it came, else from the index, else by fetching the
 * message (GET /channels/:c/messages/:m, the REST call discord.js makes for a
 * partial message). Concurrent lookups of one message share one request.
 */
export function createAuthorLookup(rest: REST, index: ReactionIndex) {
  const pending = new Map<string, Promise<AuthorResult>>();
  return (target: ReactionTarget): Promise<AuthorResult> => {
    const item = itemOf(target);
    const known = index.author(item);
    if (known) return Promise.resolve({ ok: true, author: known });
    let lookup = pending.get(item);
    if (!lookup) {
      lookup = fetchAuthor(rest, target).then((result) => {
        if (result.ok) index.setAuthor(item, result.author);
        return result;
      }).finally(() => pending.delete(item));
      pending.set(item, lookup);
    }
    return lookup;
  };
}

async function fetchAuthor(rest: REST, target: ReactionTarget): Promise<AuthorResult> {
  try {
    const parsed = messageSchema.safeParse(await rest.get(Routes.channelMessage(target.channelId, target.messageId)));
    if (!parsed.success) return { ok: false, reason: 'malformed_message', details: { problems: describeZodError(parsed.error) } };
    return { ok: true, author: { id: parsed.data.author.id, bot: parsed.data.author.bot ?? false } };
  } catch (error) {
    // 404 (deleted) and 403 (no access) are final; @discordjs/rest has already retried 5xx and honoured 429s.
    const status = error instanceof DiscordAPIError ? error.status : undefined;
    return { ok: false, reason: status === 404 || status === 403 ? 'message_unavailable' : 'author_lookup_failed', details: { status, error: String(error) } };
  }
}
