/** What a person asked for with `/flattr …`, before anything touches the database. */
export type ChatCommand =
  | { kind: 'help' }
  | { kind: 'join' }
  | { kind: 'budget'; amount?: string; currency?: string }
  | { kind: 'on' | 'off'; platform?: string }
  | { kind: 'emoji'; emoji: string[] }
  | { kind: 'status' }
  | { kind: 'undo'; target?: string }
  | { kind: 'link'; code?: string; confirm: boolean }
  | { kind: 'channel'; off: boolean }
  | { kind: 'statement' | 'mentions'; on?: boolean }
  | { kind: 'login' }
  | { kind: 'topup'; amount?: string; currency?: string }
  | { kind: 'unknown'; word: string };

const SIMPLE = new Set(['help', 'join', 'status', 'login']);

/**
 * Splits the text after `/flattr` into a command. Pure and forgiving about
 * case and spacing; it never guesses a subcommand from a misspelling (the
 * reply lists the real ones instead).
 */
export function parseChatCommand(text: string): ChatCommand {
  // Slack escapes &, < and > in command text and wraps links in <…>.
  const words = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first === undefined) return { kind: 'help' };
  const word = first.toLowerCase();
  if (SIMPLE.has(word)) return { kind: word as 'help' | 'join' | 'status' | 'login' };
  switch (word) {
    case 'budget':
      return parseBudget(rest);
    case 'on':
    case 'off':
      return { kind: word, platform: rest[0] };
    case 'emoji':
      return { kind: 'emoji', emoji: rest };
    case 'undo':
      return { kind: 'undo', target: rest[0]?.replace(/^<|>$/g, '').split('|')[0] };
    case 'link':
      return { kind: 'link', code: rest[0], confirm: rest[1]?.toLowerCase() === 'confirm' };
    case 'channel':
      return { kind: 'channel', off: rest[0]?.toLowerCase() === 'off' };
    case 'topup': {
      // Written as a budget is ("20", "20 EUR", "€20"); a currency other than the wallet's is refused, not converted.
      const { amount, currency } = parseBudget(rest) as { amount?: string; currency?: string };
      return { kind: 'topup', amount, currency };
    }
    case 'statement':
    case 'mentions':
      // Anything but on/off (or nothing) leaves `on` unset: the reply says how to use it and changes nothing.
      return { kind: word, on: onOff(rest[0]) };
    default:
      return { kind: 'unknown', word: first };
  }
}

function onOff(word: string | undefined): boolean | undefined {
  const w = word?.toLowerCase();
  return w === 'on' ? true : w === 'off' ? false : undefined;
}

// Symbols people type for the currencies they mean; "$" is left out on purpose (USD, CAD, AUD…).
const SYMBOLS: Record<string, string> = { '€': 'EUR', '£': 'GBP' };

/** "35", "35 EUR", "EUR 35", "35EUR", "35 €", "€35": the currency may come on either side. */
function parseBudget(words: string[]): ChatCommand {
  const joined = words.join(' ').replace(/[€£]/g, (symbol) => ` ${SYMBOLS[symbol]} `).trim();
  const rest = joined.split(/\s+/).filter(Boolean);
  const glued = /^(\S+?)([A-Za-z]{3})$/.exec(joined);
  if (glued && /\d$/.test(glued[1]!)) return { kind: 'budget', amount: glued[1], currency: glued[2] };
  const [a, b] = rest;
  if (a !== undefined && b !== undefined && /^[A-Za-z]{3}$/.test(a) && !/^[A-Za-z]{3}$/.test(b)) return { kind: 'budget', amount: b, currency: a };
  return { kind: 'budget', amount: a, currency: b };
}
