import type { ChatLocale } from '../chat/chat-types.js';
import type { Money } from '../domain/money.js';
import { formatAmounts, formatDay, formatPeriod } from './format-notice.js';
import { markupFor, type Markup } from './markup.js';
import { NOTICE_TEXTS } from './notice-texts.js';
import type { NoticePayload } from './port.js';

/** A creator as a digest names them: a ping, or their plain name when they turned mentions off. */
export type DigestPerson = { platformUserId: string; mention: boolean; name: string | null };
export type DigestCreator = DigestPerson & {
  amounts: Money[];
  supporters: number;
  /** Unclaimed: the day its escrow starts going back to the supporters. */
  returnsFrom?: Date;
};
export type DigestReminder = DigestPerson & { amounts: Money[]; returnsFrom: Date };

export type DigestInput = {
  platform: 'slack' | 'discord';
  locale: ChatLocale;
  period: string;
  timeZone: string;
  creators: DigestCreator[];
  reminders: DigestReminder[];
};

/**
 * Platform size limits. Slack: 40,000 characters of text
 * (https://docs.slack.dev/reference/methods/chat.postMessage#truncating);
 * Discord: 2,000 characters of content and 100 users in allowed_mentions
 * (https://discord.com/developers/docs/resources/message#allowed-mentions-object).
 */
export const DIGEST_LIMITS = { slack: { chars: 40_000, mentions: Infinity }, discord: { chars: 2_000, mentions: 100 } } as const;

type Line = { text: string; mentions: string[] };

/**
 * The payout digest of one community, as few messages as the platform's
 * limits allow (usually one). Every part has the title (with "2/3" when
 * split); the first says it comes from the bot, the last ends with how to
 * opt out. Pure: the same input always gives the same messages.
 */
export function renderDigest(input: DigestInput): NoticePayload[] {
  const t = NOTICE_TEXTS[input.locale];
  const k = markupFor(input.platform);
  const month = formatPeriod(input.period, input.locale);
  const day = (d: Date) => formatDay(d, input.locale, input.timeZone);
  const lines: Line[] = input.creators.map((c) => {
    const who = person(c, k, t.someone);
    const text = t.digestLine(who.text, formatAmounts(c.amounts, input.locale), c.supporters) + (c.returnsFrom ? t.digestUnclaimed(day(c.returnsFrom), k) : '');
    return { text, mentions: who.mentions };
  });
  if (input.reminders.length) {
    lines.push({ text: `\n${t.remindersTitle}`, mentions: [] });
    for (const r of input.reminders) {
      const who = person(r, k, t.someone);
      lines.push({ text: t.reminderLine(who.text, formatAmounts(r.amounts, input.locale), day(r.returnsFrom), k), mentions: who.mentions });
    }
  }
  const intro = t.digestIntro(input.platform, input.creators.length);
  const footer = `\n${k.note(t.digestFooter(k))}`;
  const limit = DIGEST_LIMITS[input.platform];
  // Room for the longest title a split can have ("(99/99)"), the intro and the footer, in every part.
  const room = limit.chars - k.bold(t.digestTitle(month, '99/99')).length - intro.length - footer.length - 4;
  const parts = pack(lines, room, limit.mentions);
  return parts.map((part, i) => {
    const title = k.bold(t.digestTitle(month, parts.length > 1 ? `${i + 1}/${parts.length}` : undefined));
    const text = [title, ...(i === 0 ? [intro] : []), ...part.map((l) => l.text)].join('\n') + (i === parts.length - 1 ? footer : '');
    return { text, mentions: [...new Set(part.flatMap((l) => l.mentions))] };
  });
}

function person(p: DigestPerson, k: Markup, someone: string): Line {
  if (p.mention) return { text: k.mention(p.platformUserId), mentions: [p.platformUserId] };
  return { text: p.name ? k.plain(p.name) : someone, mentions: [] };
}

/** Lines into as few parts as fit `room` characters and `maxMentions` pings each; a lone over-long line is cut. */
function pack(lines: Line[], room: number, maxMentions: number): Line[][] {
  const parts: Line[][] = [[]];
  let used = 0;
  let pinged = 0;
  for (const raw of lines) {
    const line = raw.text.length > room ? { ...raw, text: `${raw.text.slice(0, room - 1)}…` } : raw;
    const current = parts.at(-1)!;
    if (current.length > 0 && (used + line.text.length + 1 > room || pinged + line.mentions.length > maxMentions)) {
      parts.push([line]);
      used = line.text.length + 1;
      pinged = line.mentions.length;
    } else {
      current.push(line);
      used += line.text.length + 1;
      pinged += line.mentions.length;
    }
  }
  return parts;
}
