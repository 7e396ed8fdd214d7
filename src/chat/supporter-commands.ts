import { CurrencyLockedError, CurrencyNeedsBudgetError, InvalidInputError } from '../domain/errors.js';
import { formatMoney, parseCurrency } from '../domain/money.js';
import { ANY_REACTION } from '../domain/reactions.js';
import { parsePlatform, setSupporter, type SupporterChange, type SupporterView } from '../supporters/set-supporter.js';
import type { Run } from './chat-run.js';

const change = (r: Run, more: Partial<SupporterChange>): SupporterChange =>
  // The platform's locale is remembered so notices (DMs, statements) can use it later.
  ({ platform: r.ctx.platform, externalId: r.ctx.userExternalId, locale: r.ctx.locale, ...more });

/** `join`: becomes a supporter (active, nothing opted in yet: platforms are off by default). */
export async function joinCommand(r: Run): Promise<string> {
  if (r.user?.isSupporter) return r.m.alreadyJoined;
  const view = await setSupporter(r.deps.db, change(r, { active: true }));
  return withClaim(r, view, r.m.joined);
}

/** `budget <amount> [currency]`: the monthly amount, parsed by string arithmetic in setSupporter. */
export async function budgetCommand(r: Run, amount: string | undefined, currency: string | undefined): Promise<string> {
  if (!amount) return r.m.missingAmount;
  // "/flattr budget USD": a currency alone, whose budget would otherwise be
  // the old minor units read in the new currency.
  const alone = currency === undefined ? asCurrency(amount) : undefined;
  if (alone) return r.m.currencyNeedsBudget(alone);
  let view;
  try {
    view = await setSupporter(r.deps.db, change(r, { budget: amount, currency }));
  } catch (error) {
    if (error instanceof CurrencyLockedError) {
      const balance = formatMoney({ minor: error.balanceMinor, currency: error.current }, r.locale);
      return r.m.currencyLocked(error.current, error.wanted, balance);
    }
    if (error instanceof CurrencyNeedsBudgetError) return r.m.currencyNeedsBudget(error.wanted);
    throw error;
  }
  const text = r.m.budgetSet(formatMoney({ minor: view.budgetMinor, currency: view.currency }, r.locale));
  return withClaim(r, view, view.platforms.includes(r.ctx.platform) ? text : `${text}\n${r.m.budgetHintOn(r.ctx.platform)}`);
}

/** The ISO 4217 code `word` is, if it is one ("usd" → "USD"). */
function asCurrency(word: string): string | undefined {
  try {
    return parseCurrency(word);
  } catch (error) {
    if (error instanceof InvalidInputError) return undefined;
    throw error;
  }
}

/** `on [platform]` / `off [platform]`: per-platform opt-in, this platform when none is named. */
export async function toggleCommand(r: Run, on: boolean, raw: string | undefined): Promise<string> {
  const platform = raw === undefined ? r.ctx.platform : parsePlatform(raw, on ? 'on' : 'off');
  const view = await setSupporter(r.deps.db, change(r, on ? { enable: [platform] } : { disable: [platform] }));
  const text = on ? r.m.platformOn(platform) : r.m.platformOff(platform);
  // X likes are private: they reach the hub only through a connected X account (issue 16).
  const connect = on && platform === 'twitter' && !(await hasConnectedX(r, view.userId));
  return withClaim(r, view, connect ? `${text}\n${r.m.connectX(`${(r.deps.publicUrl ?? '').replace(/\/+$/, '')}/auth/twitter`)}` : text);
}

async function hasConnectedX(r: Run, userId: number): Promise<boolean> {
  const rows = await r.deps.db.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM identities i JOIN x_tokens x ON x.identity_id = i.id AND x.disconnected_at IS NULL WHERE i.user_id = $1 AND i.platform = 'twitter'`, userId,
  );
  return rows.length > 0;
}

/** `emoji <emoji…|any|default>`: the reactions that count. */
export async function emojiCommand(r: Run, emoji: string[]): Promise<string> {
  if (emoji.length === 0) return r.m.missingEmoji;
  const view = await setSupporter(r.deps.db, change(r, { emoji }));
  if (view.triggerReactions.includes(ANY_REACTION)) return r.m.emojiAny;
  const list = formatEmoji(view.triggerReactions, r.ctx.platform);
  return emoji.some((e) => e.toLowerCase() === 'default') ? r.m.emojiDefault(list) : r.m.emojiSet(list);
}

/** A reply that also says how much escrow the change claimed, when it made this account a user (rule 9). */
function withClaim(r: Run, view: SupporterView, text: string): string {
  if (view.escrowMoved.length === 0) return text;
  return `${text}\n${r.m.escrowClaimed(view.escrowMoved.map((a) => formatMoney(a, r.locale)).join(' + '))}`;
}

// Discord does not turn :shortcodes: in bot messages into emoji, so standard ones are shown as unicode.
const GLYPHS: Record<string, string> = { star: '⭐', star2: '🌟', heart: '❤️', '+1': '👍' };

/** Slack renders `:name:` as the emoji; elsewhere unicode for standard ones, the bare name for custom ones. */
export function formatEmoji(names: readonly string[], platform: string): string {
  return names.map((n) => (platform === 'slack' ? `:${n}:` : GLYPHS[n] ?? n)).join(' ');
}
