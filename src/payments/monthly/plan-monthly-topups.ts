import type { Period } from '../../domain/period.js';
import { topupBounds } from '../topups/topup-limits.js';

/** What a monthly run knows of one supporter whose monthly top-up is on (read-monthly-candidates.ts). */
export type MonthlyCandidate = {
  userId: number;
  /** The wallet's currency now, and the one the card was saved for. */
  currency: string;
  mandateCurrency: string;
  budget: bigint;
  active: boolean;
  /** The wallet's balance in its currency, minor units. */
  wallet: bigint;
  customerId: string;
  paymentMethodId: string | null;
  /** This period's charge, once a run opened one. */
  charge?: { topupId: bigint; status: string; amount: bigint; paymentIntentId: string | null; failureReason: string | null; createdAt: Date };
};

export type MonthlySkipReason =
  | 'inactive' | 'no_budget' | 'other_currency' | 'wallet_holds_budget' | 'below_minimum' | 'above_maximum' | 'no_card'
  | 'already_charged' | 'charge_failed' | 'awaiting_stripe' | 'unconfirmed';

export type PlannedMonthlyTopup =
  | {
    action: 'charge'; userId: number; currency: string; amount: bigint; customerId: string; paymentMethodId: string;
    period: Period; idempotencyKey: string;
    /** A charge an earlier run opened but never heard Stripe answer: sent again, as it was, under its key. */
    resume?: bigint;
  }
  | { action: 'skip'; userId: number; currency: string; reason: MonthlySkipReason; detail: string };

/** Stripe keeps an idempotency key 24 hours: an unanswered charge older than this is not sent again blindly. */
export const RESEND_WINDOW_MS = 23 * 3600_000;

/** The key of a supporter's monthly charge: its row's request key and the PaymentIntent's idempotency key. */
export function monthlyTopupKey(userId: number, period: Period): string {
  return `auto-topup:${userId}:${period}`;
}

/**
 * Who is charged this period, and how much: the budget, once per supporter
 * and period, in the wallet's currency, when the wallet holds less than the
 * budget; everyone else skipped with the reason. A charge already made this
 * period is never made again, a failed one not retried (the supporter
 * tops up by hand or saves another card). Pure, so a dry run shows what a
 * real run would do with the same data.
 */
export function planMonthlyTopups(candidates: readonly MonthlyCandidate[], period: Period, now: Date): PlannedMonthlyTopup[] {
  return [...candidates].sort((a, b) => a.userId - b.userId).map((c): PlannedMonthlyTopup => {
    const skip = (reason: MonthlySkipReason, detail: string): PlannedMonthlyTopup => ({ action: 'skip', userId: c.userId, currency: c.currency, reason, detail });
    const key = monthlyTopupKey(c.userId, period);
    if (c.charge) {
      const t = c.charge;
      if (t.status === 'paid') return skip('already_charged', `charged ${t.amount} for ${period} (top-up ${t.topupId})`);
      if (t.status === 'failed') return skip('charge_failed', `the charge for ${period} failed: ${t.failureReason ?? 'no reason given'}; not retried`);
      if (t.paymentIntentId) return skip('awaiting_stripe', `payment intent ${t.paymentIntentId} made; credited when Stripe confirms it`);
      if (now.getTime() - t.createdAt.getTime() > RESEND_WINDOW_MS) {
        return skip('unconfirmed', `top-up ${t.topupId} was sent on ${t.createdAt.toISOString()} and never answered: look for a payment intent with metadata flattr_topup_id=${t.topupId} at Stripe`);
      }
      if (!c.paymentMethodId) return skip('no_card', 'no saved card on record');
      return { action: 'charge', userId: c.userId, currency: c.currency, amount: t.amount, customerId: c.customerId, paymentMethodId: c.paymentMethodId, period, idempotencyKey: key, resume: t.topupId };
    }
    if (!c.active) return skip('inactive', 'not an active supporter');
    if (c.budget <= 0n) return skip('no_budget', 'the monthly budget is 0');
    if (c.mandateCurrency !== c.currency) return skip('other_currency', `the card was saved for ${c.mandateCurrency}, the wallet is in ${c.currency}: set the monthly top-up up again`);
    if (c.wallet >= c.budget) return skip('wallet_holds_budget', `the wallet holds ${c.wallet}, the budget is ${c.budget}`);
    const { minimum, maximum } = topupBounds(c.currency);
    if (c.budget < minimum.minor) return skip('below_minimum', `the budget ${c.budget} is below the top-up minimum of ${minimum.minor}`);
    if (c.budget > maximum.minor) return skip('above_maximum', `the budget ${c.budget} is above the top-up maximum of ${maximum.minor}`);
    if (!c.paymentMethodId) return skip('no_card', 'the saved card is not read from Stripe yet (a real run reads it)');
    return { action: 'charge', userId: c.userId, currency: c.currency, amount: c.budget, customerId: c.customerId, paymentMethodId: c.paymentMethodId, period, idempotencyKey: key };
  });
}
