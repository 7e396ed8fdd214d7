import type { Platform } from '../domain/like-event.js';

/** How a platform writes emphasis, mentions, code and small print, and how it escapes people's names. */
export type Markup = {
  bold(text: string): string;
  code(text: string): string;
  /** A smaller, quieter last line. */
  note(text: string): string;
  /** A ping of one platform user (the renderer lists it in the payload's mentions). */
  mention(platformUserId: string): string;
  /** A person's name as plain text: nothing in it can format, link or ping. */
  plain(text: string): string;
};

const LOOK_ALIKE: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u02dc', '`': '\u02cb' };

const slack: Markup = {
  bold: (t) => `*${t}*`,
  code: (t) => `\`${t}\``,
  note: (t) => `_${t}_`,
  mention: (u) => `<@${u}>`,
  // Slack escapes only &, < and > (https://docs.slack.dev/messaging/formatting-message-text#escaping) and has no
  // escape for its other markup, so those characters become look-alikes that cannot turn a name bold or code.
  plain: (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[*_~`]/g, (c) => LOOK_ALIKE[c]!),
};

const discord: Markup = {
  bold: (t) => `**${t}**`,
  code: (t) => `\`${t}\``,
  // Discord's subtext (-# ) renders small and grey.
  note: (t) => `-# ${t}`,
  mention: (u) => `<@${u}>`,
  // A backslash makes any markdown character literal; allowed_mentions stops pings anyway, this stops look-alikes.
  plain: (t) => t.replace(/([\\*_~`|>#[\]()<@:-])/g, '\\$1'),
};

/** Slack and Discord markup; X gets Discord's plain form (no notices are posted there, DMs are plain text). */
export function markupFor(platform: Platform): Markup {
  return platform === 'slack' ? slack : platform === 'discord' ? discord : { ...discord, bold: (t) => t, note: (t) => t, code: (t) => t };
}
