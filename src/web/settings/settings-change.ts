import type { Platform } from '../../domain/like-event.js';
import { ANY_REACTION, canonicalReaction } from '../../domain/reactions.js';
import type { SettingsView } from './load-settings.js';
import { SettingsRefusal } from './settings-refusal.js';

/** A change to a supporter's settings; what is absent stays as it is. */
export type SettingsChange = {
  platforms?: Partial<Record<Platform, boolean>>;
  /** What the person typed: names, :shortcodes:, unicode emoji, or "any" or "default" (the `/flattr emoji` words). */
  emoji?: readonly string[];
  allowCommunities?: readonly string[];
  blockCommunities?: readonly string[];
  statementDms?: boolean;
  mentions?: boolean;
};

const MAX_LIST = 100;
/** A Slack reaction name (Slack's shortcode alphabet, plus Discord custom names), possibly with a Slack skin tone. */
const EMOJI_NAME = /^[a-z0-9_+'-]{1,64}$/;
/** Unicode emoji: pictographs with their joiners, variation selectors and skin tones, nothing else. */
const EMOJI_GLYPHS = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3|[#*0-9])+$/u;
/** Slack workspace (T…, or E… for an Enterprise Grid org) and Discord server (a numeric snowflake) ids. */
const COMMUNITY_ID = /^(?:[TE][A-Z0-9]{1,20}|\d{1,20})$/;

/**
 * Checks a change before anything is written, so a refusal changes nothing:
 * every emoji must look like one (the chat's parser takes any word, which is
 * fine where a platform typed it, not in a free text field), every community
 * must be one the supporter has seen or look like a Slack or Discord id, and
 * no community may be both allowed and blocked (blocking would silently win).
 * Returns the change with lists trimmed and deduplicated.
 */
export function checkSettingsChange(change: SettingsChange, current: SettingsView): SettingsChange {
  const checked: SettingsChange = { ...change };
  if (change.emoji !== undefined) checked.emoji = checkEmoji(change.emoji);
  const known = new Set(current.communities.map((c) => c.id));
  if (change.allowCommunities !== undefined) checked.allowCommunities = checkCommunities(change.allowCommunities, known, 'allowCommunities');
  if (change.blockCommunities !== undefined) checked.blockCommunities = checkCommunities(change.blockCommunities, known, 'blockCommunities');
  const allow = checked.allowCommunities ?? current.allowCommunities;
  const block = new Set(checked.blockCommunities ?? current.blockCommunities);
  const both = allow.find((id) => block.has(id));
  if (both !== undefined) {
    throw new SettingsRefusal('community_both', 'blockCommunities', both, `community ${both} is both allowed and blocked: choose one`);
  }
  const joins = change.platforms !== undefined || change.emoji !== undefined || change.allowCommunities !== undefined || change.blockCommunities !== undefined;
  if (change.statementDms !== undefined && !current.joined && !joins) {
    throw new SettingsRefusal('not_joined', 'statementDms', '', 'statements are for supporters: set a budget or turn a platform on first');
  }
  return checked;
}

function checkEmoji(raw: readonly string[]): string[] {
  const words = raw.flatMap((r) => r.split(/[\s,]+/)).filter(Boolean);
  if (words.length === 0) throw new SettingsRefusal('emoji_empty', 'emoji', '', 'name at least one emoji, or "any", or "default"');
  if (words.length > MAX_LIST) throw new SettingsRefusal('too_many', 'emoji', String(words.length), `at most ${MAX_LIST} emoji`);
  for (const word of words) {
    const name = canonicalReaction(word);
    const ok = name === ANY_REACTION || name === 'default' || EMOJI_NAME.test(name) || EMOJI_GLYPHS.test(name);
    if (!ok) throw new SettingsRefusal('emoji_invalid', 'emoji', word, `"${word}" is not an emoji: write names like star or :heart:, emoji like ⭐, or "any" or "default"`);
  }
  return words;
}

function checkCommunities(raw: readonly string[], known: ReadonlySet<string>, field: string): string[] {
  const ids = [...new Set(raw.flatMap((r) => r.split(/[\s,]+/)).filter(Boolean))];
  if (ids.length > MAX_LIST) throw new SettingsRefusal('too_many', field, String(ids.length), `at most ${MAX_LIST} communities`);
  for (const id of ids) {
    if (!known.has(id) && !COMMUNITY_ID.test(id)) {
      throw new SettingsRefusal('community_invalid', field, id,
        `"${id}" is not a community id: a Slack workspace id (T024BE7LD) or a Discord server id (41771983423143937)`);
    }
  }
  return ids;
}
