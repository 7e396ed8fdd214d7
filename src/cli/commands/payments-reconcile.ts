import { z } from 'zod';
import { InvalidInputError } from '../../domain/errors.js';
import type { Runtime } from '../../runtime.js';
import { out, toJson } from '../output.js';

const sinceSchema = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/).transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s))
  .refine((d) => !Number.isNaN(d.getTime()));

/**
 * `flattr payments reconcile --since DATE [--json]`: the ledger's Stripe
 * movements against Stripe's balance transactions; every difference listed,
 * exit 1 when there is any.
 */
export async function paymentsReconcileCommand(runtime: Runtime, o: { since: string; json?: boolean }): Promise<number> {
  const parsed = sinceSchema.safeParse(o.since);
  if (!parsed.success) throw new InvalidInputError('since', `"${o.since}" is not a date: write YYYY-MM-DD (UTC) or an ISO 8601 time`);
  const stripeConfig = runtime.config.stripe;
  if (!stripeConfig) throw new InvalidInputError('STRIPE_SECRET_KEY', 'payments are off: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to reconcile with Stripe');
  const [{ prisma }, { reconcilePayments }, { describeDifference }, { createStripe }] = await Promise.all([
    runtime.db(), import('../../payments/reconcile/reconcile-payments.js'), import('../../payments/reconcile/compare-movements.js'), import('../../payments/stripe-client.js'),
  ]);
  const result = await reconcilePayments(prisma, createStripe(stripeConfig), parsed.data);
  if (o.json) {
    out(toJson({ ...result, differences: result.differences.map((d) => ({ ...d, text: describeDifference(d) })) }));
  } else {
    out(`reconciled since ${result.since.toISOString()}: ${result.ledgerMovements} ledger movement(s), ${result.stripeMovements} Stripe balance transaction(s) followed`);
    for (const d of result.differences) out(`  ✗ ${describeDifference(d)}`);
    out(result.differences.length ? `${result.differences.length} difference(s)` : '  ✓ the ledger and Stripe agree');
  }
  return result.differences.length > 0 ? 1 : 0;
}
