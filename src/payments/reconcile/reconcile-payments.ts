import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { callStripe } from '../stripe-client.js';
import { compareMovements, type Difference, type StripeMovement } from './compare-movements.js';
import { MOVEMENT_SOURCES, type MovementSource } from './ledger-movements.js';

/** How far before `since` Stripe is read, so a movement recorded in the ledger a little after Stripe made it is still paired. */
const STRIPE_LOOKBACK_MS = 24 * 3600_000;

export type ReconcileResult = { since: Date; ledgerMovements: number; stripeMovements: number; differences: Difference[] };

/**
 * `flattr payments reconcile --since DATE` and the daily job: the ledger's
 * Stripe movements since a date against Stripe's balance transactions
 * (`GET /v1/balance_transactions`, `created[gte]`, every page), each
 * difference listed.
 */
export async function reconcilePayments(db: Db, stripe: Stripe, since: Date, sources: readonly MovementSource[] = MOVEMENT_SOURCES): Promise<ReconcileResult> {
  const ledger = (await Promise.all(sources.map((s) => s.read(db, since)))).flat();
  const types = new Set(sources.flatMap((s) => s.stripeTypes));
  const stripeMovements: StripeMovement[] = [];
  const from = Math.floor((since.getTime() - STRIPE_LOOKBACK_MS) / 1000);
  await callStripe(async () => {
    stripeMovements.length = 0;
    for await (const t of stripe.balanceTransactions.list({ created: { gte: from }, limit: 100 })) {
      if (!types.has(t.type)) continue;
      const source = typeof t.source === 'string' ? t.source : t.source?.id ?? null;
      stripeMovements.push({ id: t.id, type: t.type, source, amount: BigInt(t.amount), currency: t.currency, created: new Date(t.created * 1000) });
    }
  });
  return { since, ledgerMovements: ledger.length, stripeMovements: stripeMovements.length, differences: compareMovements(ledger, stripeMovements, since) };
}
