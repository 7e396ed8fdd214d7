/**
 * Reaction names as Slack spells them (shortcodes) are the canonical form;
 * Discord sends unicode for standard emoji and a name for custom ones, so the
 * unicode of the default triggers is mapped to the same names.
 */
const UNICODE_TO_NAME: Record<string, string> = {
  '⭐': 'star',
  '🌟': 'star2',
  '❤️': 'heart',
  '❤': 'heart',
  '👍': '+1',
  '👍🏻': '+1', '👍🏼': '+1', '👍🏽': '+1', '👍🏾': '+1', '👍🏿': '+1',
};

export const DEFAULT_TRIGGERS = ['star', 'heart', '+1', 'flattr'] as const;
export const ANY_REACTION = 'any';

export function canonicalReaction(raw: string): string {
  const trimmed = raw.trim().replace(/^:|:$/g, '');
  // Slack appends skin tones as "+1::skin-tone-2"; the base reaction is what counts.
  const base = trimmed.split('::')[0]!;
  return UNICODE_TO_NAME[base] ?? (base === 'thumbsup' ? '+1' : base.toLowerCase());
}

/** Whether a reaction triggers a flattr for a supporter's trigger set ([] = defaults). */
export function isTrigger(reaction: string, triggers: readonly string[]): boolean {
  const set = triggers.length === 0 ? DEFAULT_TRIGGERS : triggers;
  return set.includes(ANY_REACTION) || set.includes(canonicalReaction(reaction));
}
