import type { Config } from '../config.js';

/** The start log's payments line: on (and where Stripe's webhook must point), or off and how to turn it on. */
export function describePayments(config: Config): { on: boolean; line: string } {
  if (!config.stripe) {
    return { on: false, line: 'payments: off (set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET for Stripe top-ups and payouts; wallets are funded by hand with flattr wallet credit)' };
  }
  const base = config.http.publicUrl.replace(/\/+$/, '');
  const mode = config.stripe.secretKey.startsWith('sk_live_') ? 'live' : config.stripe.secretKey.startsWith('sk_test_') ? 'test mode' : 'key of unknown mode';
  const api = config.stripe.apiUrl ? `, API at ${config.stripe.apiUrl}` : '';
  return { on: true, line: `payments: on (Stripe ${mode}${api}, webhook at ${base}/stripe/webhook, payouts from ${config.stripe.payoutMinimum})` };
}
