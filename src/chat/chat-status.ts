import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import { formatMoney, type Money } from '../domain/money.js';
import { DEFAULT_TRIGGERS } from '../domain/reactions.js';
import { formatDay, formatPeriod } from '../notices/format-notice.js';
import { loadPersonMoney, type PersonMoney } from '../people/load-person-money.js';
import type { ChatLocale } from './chat-types.js';
import type { CreatorStatusView, StatusView } from './messages.js';
import { formatEmoji } from './supporter-commands.js';

export type StatusOptions = { holdDays: number; timeZone: string };

/**
 * What `/flattr status` shows, from both sides of the person's money
 * (src/people/load-person-money.ts): as a supporter, budget, opt-ins, wallet
 * and flattrs not settled yet; as a creator, balance, the last settled
 * period's income and escrow waiting per account with the day it starts
 * going back. Undefined when the platform account is unknown.
 */
export async function loadStatus(db: Db, platform: Platform, externalId: string, locale: ChatLocale, o: StatusOptions): Promise<{ supporter?: StatusView; creator?: CreatorStatusView } | undefined> {
  const person = await loadPersonMoney(db, platform, externalId, o.holdDays);
  if (!person) return undefined;
  const creator = creatorView(person, locale, o);
  if (!person.supporter || person.userId === null) return { creator };
  const [settings] = await db.$queryRawUnsafe<{ trigger_reactions: string[] }[]>(
    `SELECT trigger_reactions FROM supporter_settings WHERE user_id = $1`, person.userId,
  );
  const s = person.supporter;
  const triggers = settings?.trigger_reactions.length ? settings.trigger_reactions : [...DEFAULT_TRIGGERS];
  return {
    supporter: {
      budget: formatMoney(s.budget, locale), active: s.active, platforms: s.platforms, emoji: [formatEmoji(triggers, platform)],
      wallet: formatMoney(s.wallet, locale), pending: s.pendingFlattrs, linked: person.identities.map((i) => i.platform), creator,
    },
    creator,
  };
}

/** The creator side, or undefined when there is nothing to show (no balance, income or escrow). */
function creatorView(person: PersonMoney, locale: ChatLocale, o: StatusOptions): CreatorStatusView | undefined {
  const { balances, lastPeriod, escrow } = person.creator;
  const nonZero = balances.filter((b) => b.minor !== 0n);
  if (nonZero.length === 0 && !lastPeriod && escrow.length === 0) return undefined;
  const all = (amounts: Money[]) => amounts.map((a) => formatMoney(a, locale)).join(' + ');
  return {
    balance: nonZero.length || lastPeriod ? all(nonZero.length ? nonZero : [{ minor: 0n, currency: lastPeriod!.received[0]!.currency }]) : undefined,
    lastPeriod: lastPeriod && { period: formatPeriod(lastPeriod.period, locale), received: all(lastPeriod.received), supporters: lastPeriod.supporters },
    escrow: escrow.map((e) => ({
      account: person.userId === null ? (locale === 'fr' ? 'vous' : 'you') : `${e.identity.platform} ${e.identity.handle ?? e.identity.externalId}`,
      amount: formatMoney(e.amount, locale), until: formatDay(e.returnsFrom, locale, o.timeZone),
    })),
  };
}
