import { parseAmount } from '../../domain/money.js';

/** What a payout run knows of one creator balance in one currency (read-payout-candidates.ts). */
export type PayoutCandidate = {
  userId: number;
  currency: string;
  /** The creator balance, minor units. */
  balance: bigint;
  /** The connected Stripe account, if the creator started onboarding. */
  account?: { stripeAccountId: string; payoutsEnabled: boolean; requirementsDue: readonly string[] };
  /** The sequence of this (creator, currency)'s last payout, 0 before the first. */
  lastSequence: number;
};

export type SkipReason = 'below_minimum' | 'no_connected_account' | 'payouts_not_enabled';

export type PlannedPayout =
  | { action: 'pay'; userId: number; currency: string; amount: bigint; stripeAccountId: string; sequence: number; idempotencyKey: string }
  | { action: 'skip'; userId: number; currency: string; balance: bigint; reason: SkipReason; detail: string };

/** The key of one payout: its ledger debit and its Stripe transfer both carry it, so neither happens twice. */
export function payoutKey(userId: number, currency: string, sequence: number): string {
  return `payout:${userId}:${currency}:${sequence}`;
}

/**
 * PAYOUT_MINIMUM ("10.00") in a currency's minor units. The operator writes it
 * once for every currency; for a currency with fewer decimals (JPY) the
 * trailing zero decimals are dropped rather than refused ("10.00" → ¥10).
 */
export function payoutMinimum(text: string, currency: string): bigint {
  try {
    return parseAmount(text, currency, 'PAYOUT_MINIMUM').minor;
  } catch (error) {
    const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
    if (trimmed === text) throw error;
    return parseAmount(trimmed, currency, 'PAYOUT_MINIMUM').minor;
  }
}

/**
 * Which creators are paid, and how much: the whole balance of each creator
 * whose balance in a currency reaches the minimum and whose connected account
 * can receive payouts; everyone else is skipped with the reason. Pure, so a
 * dry run shows exactly what a real run would do with the same data.
 */
export function planPayouts(candidates: readonly PayoutCandidate[], minimumText: string): PlannedPayout[] {
  const minimums = new Map<string, bigint>();
  const minimumOf = (currency: string) => {
    let minimum = minimums.get(currency);
    if (minimum === undefined) minimums.set(currency, (minimum = payoutMinimum(minimumText, currency)));
    return minimum;
  };
  return [...candidates]
    .filter((c) => c.balance > 0n)
    .sort((a, b) => a.userId - b.userId || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
    .map((c): PlannedPayout => {
      const skip = (reason: SkipReason, detail: string): PlannedPayout => ({ action: 'skip', userId: c.userId, currency: c.currency, balance: c.balance, reason, detail });
      const minimum = minimumOf(c.currency);
      // Zero minimum still pays nothing of an empty balance (filtered above).
      if (c.balance < minimum) return skip('below_minimum', `balance below the payout minimum of ${minimum} minor units`);
      if (!c.account) return skip('no_connected_account', 'no Stripe account connected (from /earnings)');
      if (!c.account.payoutsEnabled) {
        const due = c.account.requirementsDue.length ? `; Stripe still needs: ${c.account.requirementsDue.join(', ')}` : '';
        return skip('payouts_not_enabled', `Stripe account ${c.account.stripeAccountId} cannot receive payouts yet${due}`);
      }
      const sequence = c.lastSequence + 1;
      return {
        action: 'pay', userId: c.userId, currency: c.currency, amount: c.balance, stripeAccountId: c.account.stripeAccountId,
        sequence, idempotencyKey: payoutKey(c.userId, c.currency, sequence),
      };
    });
}
