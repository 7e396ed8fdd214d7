import { Gauge, type Registry } from 'prom-client';

const NAME = 'flattr_payments_reconcile_differences';

/**
 * `flattr_payments_reconcile_differences{kind}`: what the last reconciliation
 * found, by kind (0 when the ledger and Stripe agree): alert on > 0. Made once
 * per registry, so a hub's several workers share it.
 */
export function reconcileGauge(registry: Registry): Gauge<'kind'> {
  return (registry.getSingleMetric(NAME) as Gauge<'kind'> | undefined)
    ?? new Gauge({ name: NAME, help: 'Differences between the ledger and Stripe at the last reconciliation, by kind', labelNames: ['kind'] as const, registers: [registry] });
}

export const DIFFERENCE_KINDS = ['missing_in_ledger', 'missing_in_stripe', 'amount_mismatch', 'currency_mismatch'] as const;
