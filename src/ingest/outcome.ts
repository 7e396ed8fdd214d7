import type { IgnoreReason } from '../domain/judge-like.js';

export type LikeOutcome =
  | { kind: 'accepted' }
  | { kind: 'duplicate' }
  | { kind: 'ignored'; reason: IgnoreReason };

export function outcomeLabel(outcome: LikeOutcome): string {
  return outcome.kind === 'ignored' ? `ignored:${outcome.reason}` : outcome.kind;
}
