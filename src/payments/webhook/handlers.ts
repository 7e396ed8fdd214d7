import { monthlyChargeFailedHandler, monthlyChargeSucceededHandler } from '../monthly/monthly-charge-events.js';
import { monthlySetupCompletedHandler } from '../monthly/monthly-setup-completed.js';
import { accountUpdatedHandler } from '../payouts/connect-account.js';
import { transferReversedHandler } from '../payouts/transfer-reversed.js';
import { creditTopupHandler } from '../topups/credit-topup.js';
import { expireTopupHandler, failTopupHandler } from '../topups/expire-topup.js';
import { disputeLostHandler, refundHandler } from '../topups/reverse-topup.js';
import { byCheckoutMode } from './by-checkout-mode.js';
import type { StripeEventHandler } from './handler.js';

/**
 * Event type → what the hub does with it; any other type is acknowledged and
 * ignored. One line per type: a module adds its handlers here.
 */
export const STRIPE_EVENT_HANDLERS: Readonly<Record<string, StripeEventHandler>> = {
  'checkout.session.completed': byCheckoutMode({ payment: creditTopupHandler, setup: monthlySetupCompletedHandler }),
  'checkout.session.async_payment_succeeded': creditTopupHandler,
  'checkout.session.expired': expireTopupHandler,
  'checkout.session.async_payment_failed': failTopupHandler,
  'charge.refunded': refundHandler,
  'charge.dispute.closed': disputeLostHandler,
  'account.updated': accountUpdatedHandler,
  'transfer.reversed': transferReversedHandler,
  'payment_intent.succeeded': monthlyChargeSucceededHandler,
  'payment_intent.payment_failed': monthlyChargeFailedHandler,
};
