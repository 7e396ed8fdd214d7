import type { Platform } from '../domain/like-event.js';

export type ItemRef = { platform: Platform; item: string };

/**
 * The flattr item a person points at with `/flattr undo`: a message link
 * (Slack permalink, Discord message link, tweet URL) or an item id as the hub
 * writes it. Slack permalinks name the workspace by domain, not id, so the
 * team comes from where the command was typed.
 * Slack permalink format: https://api.slack.com/reference/deep-linking (p + ts without the dot).
 */
export function parseItemRef(raw: string, here: { platform: Platform; community?: string }): ItemRef | undefined {
  const text = raw.trim();
  const slack = /^https?:\/\/[^/]+\.slack\.com\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})(?:[?#].*)?$/i.exec(text);
  if (slack) return here.community ? { platform: 'slack', item: `${here.community}:${slack[1]}:${slack[2]}.${slack[3]}` } : undefined;
  const discord = /^https?:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/channels\/(\d+)\/(\d+)\/(\d+)\/?$/i.exec(text);
  if (discord) return { platform: 'discord', item: `${discord[1]}:${discord[2]}:${discord[3]}` };
  const tweet = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/[^/]+\/status\/(\d+)(?:[/?#].*)?$/i.exec(text);
  if (tweet) return { platform: 'twitter', item: tweet[1]! };
  if (/^https?:\/\//i.test(text) || text.length === 0 || text.length > 500) return undefined;
  return { platform: here.platform, item: text };
}
