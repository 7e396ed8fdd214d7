import { InvalidInputError } from '../../domain/errors.js';
import { toDecimalString } from '../../domain/money.js';
import type { Runtime } from '../../runtime.js';
import { out, toJson } from '../output.js';

/**
 * `flattr payouts run [--dry-run] [--json]`: pays every creator balance above
 * PAYOUT_MINIMUM to their connected Stripe account now (after sending what an
 * earlier run left pending), or with --dry-run shows what it would pay and
 * writes nothing. Exit 1 when a payout is left pending (Stripe unreachable):
 * running it again later sends it, under the same key.
 */
export async function payoutsRunCommand(runtime: Runtime, o: { dryRun?: boolean; json?: boolean }): Promise<number> {
  const stripeConfig = runtime.config.stripe;
  if (!stripeConfig) throw new InvalidInputError('STRIPE_SECRET_KEY', 'payments are off: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to pay creators through Stripe');
  const [{ prisma }, { runPayouts }, { createStripe }] = await Promise.all([
    runtime.db(), import('../../payments/payouts/run-payouts.js'), import('../../payments/stripe-client.js'),
  ]);
  const result = await runPayouts(prisma, o.dryRun ? undefined : createStripe(stripeConfig), { minimum: stripeConfig.payoutMinimum, dryRun: o.dryRun });
  if (o.json) {
    out(toJson(result));
  } else {
    const amount = (minor: bigint, currency: string) => `${toDecimalString({ minor, currency })} ${currency}`;
    out(result.dryRun ? `dry run: nothing is written and Stripe is not called (minimum ${stripeConfig.payoutMinimum})` : `payouts (minimum ${stripeConfig.payoutMinimum}):`);
    for (const p of result.dryRun ? result.pending : []) out(`  would resend  user ${p.userId}  ${amount(p.amount, p.currency)} → ${p.stripeAccountId} (pending, ${p.idempotencyKey})`);
    for (const p of result.resumed) out(`  ${p.outcome.status.padEnd(8)} user ${p.userId}  ${amount(p.amount, p.currency)} → ${p.stripeAccountId} (resumed)${detail(p.outcome)}`);
    for (const p of result.planned) {
      if (p.action === 'skip') out(`  skipped  user ${p.userId}  ${amount(p.balance, p.currency)}: ${p.reason} (${p.detail})`);
      else out(`  ${(p.outcome?.status ?? 'would pay').padEnd(8)} user ${p.userId}  ${amount(p.amount, p.currency)} → ${p.stripeAccountId}${p.outcome ? detail(p.outcome) : ''}`);
    }
    if (result.resumed.length + result.planned.length + (result.dryRun ? result.pending.length : 0) === 0) out('  no creator balance to pay');
  }
  const pending = [...result.resumed.map((r) => r.outcome), ...result.planned.map((p) => (p.action === 'pay' ? p.outcome : undefined))]
    .filter((o) => o?.status === 'pending');
  return pending.length > 0 ? 1 : 0;
}

function detail(outcome: { status: string; stripeTransferId?: string; reason?: string }): string {
  return outcome.stripeTransferId ? ` ${outcome.stripeTransferId}` : outcome.reason ? `: ${outcome.reason}` : '';
}
