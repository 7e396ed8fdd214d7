import type { ChatLocale } from '../chat/chat-types.js';
import type { Platform } from '../domain/like-event.js';
import type { Money } from '../domain/money.js';
import { formatAmounts, formatPeriod } from './format-notice.js';
import { markupFor } from './markup.js';
import { NOTICE_TEXTS } from './notice-texts.js';
import type { NoticePayload } from './port.js';

export type CreatorIncome = { platform: string; community: string; communityName: string | null; amounts: Money[]; supporters: number };

export type CreatorStatementInput = {
  platform: Platform;
  locale: ChatLocale;
  period: string;
  /** Per platform and community, as received in the period. */
  income: CreatorIncome[];
  balances: Money[];
};

/** A claimed creator's monthly DM: what came from each community on each platform, and the balance now. Pure. */
export function renderCreatorStatement(input: CreatorStatementInput): NoticePayload {
  const t = NOTICE_TEXTS[input.locale];
  const k = markupFor(input.platform);
  const lines = [k.bold(t.creatorTitle(formatPeriod(input.period, input.locale))), t.fromBot];
  for (const i of input.income) {
    const where = i.communityName ? k.plain(i.communityName) : t.community(i.platform, i.community);
    lines.push(t.creatorLine(i.platform, where, formatAmounts(i.amounts, input.locale), i.supporters));
  }
  if (input.balances.length) lines.push(t.balance(formatAmounts(input.balances, input.locale)));
  lines.push(k.note(t.statementFooter(k)));
  return { text: lines.join('\n'), mentions: [] };
}
