import Stripe from 'stripe';
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
 * difference listed. A balance transaction the ledger names that Stripe made
 * before the window (a dispute's withdrawal, when it opened) is fetched by
 * its id (`GET /v1/balance_transactions/:id`).
 */
export async function reconcilePayments(db: Db, stripe: Stripe, since: Date, sources: readonly MovementSource[] = MOVEMENT_SOURCES): Promise<ReconcileResult> {
  for (const source of sources) await source.complete?.(db, stripe, since);
  const ledger = (await Promise.all(sources.map((s) => s.read(db, since)))).flat();
  const types = new Set(sources.flatMap((s) => s.stripeTypes));
  const stripeMovements: StripeMovement[] = [];
  const from = Math.floor((since.getTime() - STRIPE_LOOKBACK_MS) / 1000);
  await callStripe(async () => {
    stripeMovements.length = 0;
    for await (const t of stripe.balanceTransactions.list({ created: { gte: from }, limit: 100 })) {
      if (!types.has(t.type)) continue;
      stripeMovements.push(movementOf(t));
    }
  });
  const listed = new Set(stripeMovements.flatMap((s) => [s.id, s.source]));
  for (const id of new Set(ledger.flatMap((l) => l.stripeRefs))) {
    if (!id.startsWith('txn_') || listed.has(id)) continue;
    const t = await callStripe(() => stripe.balanceTransactions.retrieve(id)).catch((error: unknown) => {
      // Stripe does not know it: the ledger movement stays unpaired, and is listed as such.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return undefined;
      throw error;
    });
    if (t) stripeMovements.push(movementOf(t));
  }
  return { since, ledgerMovements: ledger.length, stripeMovements: stripeMovements.length, differences: compareMovements(ledger, stripeMovements, since) };
}

function movementOf(t: Stripe.BalanceTransaction): StripeMovement {
  const source = typeof t.source === 'string' ? t.source : t.source?.id ?? null;
  return { id: t.id, type: t.type, source, amount: BigInt(t.amount), currency: t.currency, created: new Date(t.created * 1000) };
}
