import { GatewayDispatchEvents } from 'discord.js';
import type { AdapterContext } from '../../src/adapters/port.js';
import type { LikeEvent } from '../../src/domain/like-event.js';
import type { AuthorResult } from './author-lookup.js';
import { hideFromDiscordJs, type RawDispatch } from './client.js';
import {
  isReactionDispatch, itemOf, parseReactionDispatch, toLikeEvent, type GatewayStamp, type ReactionChange, type ReactionClear, type ReactionTarget,
} from './normalize.js';
import type { ReactionIndex } from './reaction-index.js';
import { readySchema } from './schema.js';

/** Every dispatch Discord documents; discord.js handles the rest of them (guilds, channels, interactions). */
const DOCUMENTED_DISPATCHES = new Set<string>(Object.values(GatewayDispatchEvents));

export type ReactionListenerDeps = {
  ctx: Pick<AdapterContext, 'ignore' | 'logger' | 'now'>;
  /** Hands a like to the likes queue; never throws (a retry buffer keeps it while the queue is unreachable). */
  enqueue(event: LikeEvent): void;
  selfId(): string | undefined;
  lookupAuthor(target: ReactionTarget): Promise<AuthorResult>;
  index: ReactionIndex;
};

/**
 * Raw gateway dispatches → LikeEvents for `enqueue`. Everything that
 * orders events happens synchronously on receipt (the receipt time, the
 * reaction index); only the author lookup is asynchronous, so a like and its
 * quick removal keep their order whatever the REST latency.
 */
export function createReactionListener(deps: ReactionListenerDeps) {
  const { ctx } = deps;
  const sessions = new Map<number, string>();
  const inFlight = new Set<Promise<void>>();
  let lastReceipt = 0;
  // Strictly increasing: two dispatches in one millisecond (or under a frozen test clock) keep their order.
  const receivedAt = () => new Date((lastReceipt = Math.max(ctx.now().getTime(), lastReceipt + 1)));
  const track = (work: Promise<void>) => {
    const settled = work.catch((error: unknown) => ctx.logger.error({ err: error }, 'discord: reaction not handled'))
      .finally(() => inFlight.delete(settled));
    inFlight.add(settled);
  };

  const emit = async (changes: Pick<ReactionChange, 'action' | 'userId' | 'reaction'>[], target: ReactionTarget, stamp: GatewayStamp, authorId?: string) => {
    const author = authorId ? { ok: true as const, author: { id: authorId } } : await deps.lookupAuthor(target);
    if (!author.ok) return ctx.ignore('discord', author.reason, { item: itemOf(target), ...author.details });
    if (author.author.bot) return ctx.ignore('discord', 'bot_author', { item: itemOf(target) });
    for (const change of changes) {
      if (change.userId === author.author.id) ctx.ignore('discord', 'self_like', { item: itemOf(target) });
      else deps.enqueue(toLikeEvent({ ...change, ...target }, author.author.id, stamp));
    }
  };

  return {
    onDispatch(packet: RawDispatch, shardId: number): void {
      if (packet.t === 'READY') {
        const ready = readySchema.safeParse(packet.d);
        if (ready.success) sessions.set(shardId, ready.data.session_id);
        return;
      }
      if (!isReactionDispatch(packet.t)) {
        // A type Discord added after this release: acknowledged (the gateway needs nothing) and counted.
        if (!DOCUMENTED_DISPATCHES.has(String(packet.t))) ctx.ignore('discord', 'unknown_dispatch', { type: packet.t });
        return;
      }
      const sessionId = sessions.get(shardId);
      if (sessionId === undefined || typeof packet.s !== 'number') {
        ctx.ignore('discord', 'malformed_dispatch', { type: packet.t, problems: 'no gateway session or sequence' });
        return hideFromDiscordJs(packet);
      }
      const stamp: GatewayStamp = { sessionId, sequence: packet.s, receivedAt: receivedAt() };
      const parsed = parseReactionDispatch(packet.t, packet.d, deps.selfId());
      if (parsed.kind === 'ignored') {
        if (parsed.reason === 'malformed_dispatch') hideFromDiscordJs(packet);
        return ctx.ignore('discord', parsed.reason, { sequence: packet.s, ...parsed.details });
      }
      const item = itemOf(parsed);
      if (parsed.kind === 'change') {
        if (parsed.action === 'like') deps.index.add(item, parsed.reaction, parsed.userId);
        else deps.index.remove(item, parsed.reaction, parsed.userId);
        if (parsed.authorId) deps.index.setAuthor(item, { id: parsed.authorId });
        return track(emit([parsed], parsed, stamp, parsed.authorId));
      }
      track(clear(parsed, stamp));
    },
    /** Resolves once every dispatch received so far has been handed to `enqueue` or ignored. */
    async idle(): Promise<void> {
      while (inFlight.size) await Promise.all(inFlight);
    },
  };

  async function clear(parsed: ReactionClear, stamp: GatewayStamp): Promise<void> {
    const removed = deps.index.clear(itemOf(parsed), parsed.reaction);
    if (removed.length === 0) return ctx.ignore('discord', 'no_known_reactions', { item: itemOf(parsed), reaction: parsed.reaction });
    await emit(removed.map((r) => ({ action: 'unlike' as const, ...r })), parsed, stamp);
  }
}
