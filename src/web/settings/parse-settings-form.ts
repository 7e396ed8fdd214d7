import { PLATFORMS, type Platform } from '../../domain/like-event.js';
import type { SettingsChange } from './settings-change.js';

/**
 * The settings form as a change. The form shows every setting, so it sets
 * them all: an unticked box is absent from a form post and means off (or
 * not on the list). Community boxes are named `allow.<id>` / `block.<id>`
 * because the form parser keeps one value per name; ids typed in the free
 * fields are added, and checked like any other (checkSettingsChange).
 */
export function parseSettingsForm(body: Record<string, unknown>): SettingsChange {
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  const ticked = (name: string) => body[name] !== undefined && body[name] !== '' && body[name] !== 'off';
  const list = (prefix: string) => [
    ...Object.keys(body).filter((k) => k.startsWith(`${prefix}.`) && ticked(k)).map((k) => k.slice(prefix.length + 1)),
    ...field(`${prefix}_more`).split(/[\s,]+/).filter(Boolean),
  ];
  const mode = field('emoji_mode');
  return {
    platforms: Object.fromEntries(PLATFORMS.map((p) => [p, ticked(`platform.${p}`)])) as Record<Platform, boolean>,
    emoji: mode === 'any' ? ['any'] : mode === 'custom' ? [field('emoji')] : ['default'],
    allowCommunities: list('allow'),
    blockCommunities: list('block'),
    statementDms: ticked('statement'),
    mentions: ticked('mentions'),
  };
}
