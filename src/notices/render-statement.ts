import type { ChatLocale } from '../chat/chat-types.js';
import type { Platform } from '../domain/like-event.js';
import { formatMoney, type Money } from '../domain/money.js';
import { formatPeriod } from './format-notice.js';
import { markupFor, type Markup } from './markup.js';
import { NOTICE_TEXTS, type NoticeTexts } from './notice-texts.js';
import type { NoticePayload } from './port.js';

/** Someone named in a DM: by a mention where the reader's platform can show it, else by name or platform id. */
export type NamedRecipient = { platform: string; externalId: string; handle: string | null };

export type StatementInput = {
  /** The platform the DM goes out on, and (Slack) the reader's workspace: only its members render as names. */
  platform: Platform;
  team?: string;
  locale: ChatLocale;
  period: string;
  budget: Money;
  charged: Money;
  fee: Money;
  flattrs: number;
  /** Largest first, already cut to the top ones. */
  top: (NamedRecipient & { amount: Money })[];
  /** Recipients beyond `top`. */
  more: number;
};

/**
 * A supporter's monthly statement DM: what was charged (and the fee), for
 * how many flattrs, the top recipients, and what of the budget was not
 * spent. Says it is from the bot and how to stop it. Pure.
 */
export function renderStatement(input: StatementInput): NoticePayload {
  const t = NOTICE_TEXTS[input.locale];
  const k = markupFor(input.platform);
  const money = (m: Money) => formatMoney(m, input.locale);
  const lines = [k.bold(t.statementTitle(formatPeriod(input.period, input.locale))), t.fromBot];
  if (input.charged.minor > 0n) {
    lines.push(t.charged(money(input.charged), money(input.fee), input.flattrs));
    const list = input.top.map((r) => `${nameOf(r, input, k, t)} ${money(r.amount)}`).join(', ');
    if (list) lines.push(t.topRecipients(list, input.more));
  } else {
    lines.push(t.nothingCharged(input.flattrs));
  }
  const unspent = { minor: input.budget.minor - input.charged.minor, currency: input.budget.currency };
  if (unspent.minor >= 0n) lines.push(t.unspent(money(unspent), money(input.budget), unspent.minor > 0n));
  lines.push(k.note(t.statementFooter(k)));
  // A DM pings no one: names render, nobody else is notified.
  return { text: lines.join('\n'), mentions: [] };
}

/**
 * A Slack user of the reader's own workspace and any Discord user render as
 * names from a mention (no one is pinged in a DM they are not in); others
 * are named by handle, else by platform and id.
 */
export function nameOf(r: NamedRecipient, reader: { platform: Platform; team?: string }, k: Markup, t: NoticeTexts): string {
  if (reader.platform === 'slack' && r.platform === 'slack') {
    const [team, user] = r.externalId.split(':');
    if (team === reader.team && user) return k.mention(user);
  }
  if (reader.platform === 'discord' && r.platform === 'discord') return k.mention(r.externalId);
  if (!r.handle) return k.plain(t.userOn(r.platform, r.externalId));
  return r.platform === reader.platform ? k.plain(r.handle) : k.plain(t.handleOn(r.handle, r.platform));
}
