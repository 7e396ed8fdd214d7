import { describeZodError } from '../../src/domain/like-event.js';
import { hideFromDiscordJs, type RawDispatch } from './client.js';
import { isReactionDispatch } from './normalize.js';
import { interactionSchema } from './schema.js';

/** Dispatches whose `d` is legitimately not an object. */
const NO_DATA = new Set(['RESUMED']);

/**
 * Why discord.js must not see this dispatch, if it must not: a `d` that is
 * not an object, or an interaction missing a field discord.js reads
 * unguarded. Its handlers would throw inside the gateway's event emitter, an
 * unhandled rejection that ends a Node 20 process. Reaction dispatches are
 * checked field by field in normalize.ts; other types are left to discord.js.
 */
export function dispatchProblem(packet: RawDispatch): string | undefined {
  if (NO_DATA.has(String(packet.t))) return undefined;
  if (typeof packet.d !== 'object' || packet.d === null || Array.isArray(packet.d)) return 'd: must be an object';
  if (packet.t === 'INTERACTION_CREATE') {
    const parsed = interactionSchema.safeParse(packet.d);
    return parsed.success ? undefined : describeZodError(parsed.error);
  }
  return undefined;
}

/** Hides a malformed dispatch from discord.js and reports it; true when the dispatch was stopped here. */
export function stopMalformed(packet: RawDispatch, report: (details: Record<string, unknown>) => void): boolean {
  // Reaction dispatches are parsed (and, if malformed, hidden) by the reaction listener, with their own reasons.
  if (isReactionDispatch(packet.t)) return false;
  const problem = dispatchProblem(packet);
  if (problem === undefined) return false;
  report({ type: packet.t, sequence: packet.s, problems: problem });
  hideFromDiscordJs(packet);
  return true;
}
