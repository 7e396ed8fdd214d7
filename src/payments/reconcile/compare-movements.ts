import type { LedgerMovement } from './ledger-movements.js';

/** A Stripe balance transaction, as much of it as reconciliation reads (amounts are Stripe's integers in minor units). */
export type StripeMovement = { id: string; type: string; source: string | null; amount: bigint; currency: string; created: Date };

export type Difference =
  | { kind: 'missing_in_ledger'; stripe: StripeMovement }
  | { kind: 'missing_in_stripe'; ledger: LedgerMovement }
  /** `stripe`: every balance transaction the ledger movement names (a refund of several Stripe refunds names each). */
  | { kind: 'amount_mismatch' | 'currency_mismatch'; ledger: LedgerMovement; stripe: StripeMovement[] };

/**
 * Pairs each ledger movement with the balance transactions it names (by each
 * transaction's id or its source; their amounts summed) and lists every
 * difference. Pure.
 * `stripeSince` limits "missing in the ledger" to Stripe movements in the
 * window asked for; Stripe is read from a little earlier so a ledger movement
 * written just after its Stripe twin still finds it.
 */
export function compareMovements(ledger: readonly LedgerMovement[], stripe: readonly StripeMovement[], stripeSince: Date): Difference[] {
  const byRef = new Map<string, StripeMovement>();
  for (const s of stripe) {
    byRef.set(s.id, s);
    if (s.source) byRef.set(s.source, s);
  }
  const matched = new Set<string>();
  const differences: Difference[] = [];
  for (const l of ledger) {
    const found = [...new Set(l.stripeRefs.map((ref) => byRef.get(ref)).filter((s) => s !== undefined))];
    if (found.length === 0) {
      differences.push({ kind: 'missing_in_stripe', ledger: l });
      continue;
    }
    for (const s of found) matched.add(s.id);
    if (found.some((s) => s.currency.toUpperCase() !== l.currency)) differences.push({ kind: 'currency_mismatch', ledger: l, stripe: found });
    else if (found.reduce((sum, s) => sum + s.amount, 0n) !== l.amount) differences.push({ kind: 'amount_mismatch', ledger: l, stripe: found });
  }
  // Unpaired movements of one source that sum to nothing moved nothing (a dispute withdrawn, then reinstated when won).
  const unpaired = stripe.filter((s) => !matched.has(s.id));
  const net = new Map<string, bigint>();
  for (const s of unpaired) if (s.source) net.set(s.source, (net.get(s.source) ?? 0n) + s.amount);
  const cancelled = (s: StripeMovement) => s.source !== null && net.get(s.source) === 0n && unpaired.filter((o) => o.source === s.source).length > 1;
  for (const s of unpaired) if (s.created >= stripeSince && !cancelled(s)) differences.push({ kind: 'missing_in_ledger', stripe: s });
  return differences;
}

/** One line per difference, for the CLI and the logs. */
export function describeDifference(d: Difference): string {
  const money = (amount: bigint, currency: string) => `${amount} ${currency.toUpperCase()}`;
  const ids = (found: readonly StripeMovement[]) => found.map((s) => s.id).join(', ');
  switch (d.kind) {
    case 'missing_in_ledger': return `missing in the ledger: Stripe ${d.stripe.type} ${d.stripe.id} (${d.stripe.source ?? 'no source'}) ${money(d.stripe.amount, d.stripe.currency)} at ${d.stripe.created.toISOString()}`;
    case 'missing_in_stripe': return `missing at Stripe: ${d.ledger.what} ${money(d.ledger.amount, d.ledger.currency)} (${d.ledger.stripeRefs.join(', ') || 'no Stripe reference recorded'})`;
    case 'amount_mismatch': return `amount differs: ${d.ledger.what} is ${money(d.ledger.amount, d.ledger.currency)} in the ledger, ${money(d.stripe.reduce((sum, s) => sum + s.amount, 0n), d.stripe[0]!.currency)} at Stripe (${ids(d.stripe)})`;
    case 'currency_mismatch': return `currency differs: ${d.ledger.what} is ${d.ledger.currency} in the ledger, ${[...new Set(d.stripe.map((s) => s.currency.toUpperCase()))].join(', ')} at Stripe (${ids(d.stripe)})`;
  }
}
