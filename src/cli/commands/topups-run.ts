import { InvalidInputError } from '../../domain/errors.js';
import { parsePeriod, periodOf } from '../../domain/period.js';
import { toDecimalString } from '../../domain/money.js';
import type { Runtime } from '../../runtime.js';
import { out, toJson } from '../output.js';

/**
 * `flattr topups run [--dry-run] [--period YYYY-MM] [--json]`: charges every
 * supporter whose monthly top-up is on their budget for the period (the
 * current one in SETTLEMENT_TZ by default), once, or with --dry-run shows
 * what it would charge and writes nothing. Charges an earlier run left
 * unanswered are sent again under their keys. Exit 1 when one stays pending
 * (Stripe unreachable): running it again later sends it, under the same key.
 */
export async function topupsRunCommand(runtime: Runtime, o: { dryRun?: boolean; period?: string; json?: boolean }): Promise<number> {
  const stripeConfig = runtime.config.stripe;
  if (!stripeConfig) throw new InvalidInputError('STRIPE_SECRET_KEY', 'payments are off: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to charge monthly top-ups through Stripe');
  const now = new Date();
  const period = o.period === undefined ? periodOf(now, runtime.config.money.timeZone) : parsePeriod(o.period);
  const [{ prisma }, { runMonthlyTopups }, { createStripe }] = await Promise.all([
    runtime.db(), import('../../payments/monthly/run-monthly-topups.js'), import('../../payments/stripe-client.js'),
  ]);
  const result = await runMonthlyTopups(prisma, o.dryRun ? undefined : createStripe(stripeConfig), { period, now, dryRun: o.dryRun });
  if (o.json) {
    out(toJson(result));
  } else {
    const amount = (minor: bigint, currency: string) => `${toDecimalString({ minor, currency })} ${currency}`;
    out(result.dryRun ? `dry run for ${period}: nothing is written and Stripe is not called` : `monthly top-ups for ${period}:`);
    for (const p of result.planned) {
      if (p.action === 'skip') out(`  skipped  user ${p.userId}: ${p.reason} (${p.detail})`);
      else out(`  ${(p.outcome?.status ?? 'would charge').padEnd(8)} user ${p.userId}  ${amount(p.amount, p.currency)} (${p.idempotencyKey}${p.resume ? ', resumed' : ''})${p.outcome ? detail(p.outcome) : ''}`);
    }
    if (result.planned.length === 0) out('  no monthly top-up is on');
  }
  return result.planned.some((p) => p.action === 'charge' && p.outcome?.status === 'pending') ? 1 : 0;
}

function detail(outcome: { status: string; paymentIntentId?: string; reason?: string }): string {
  return outcome.paymentIntentId ? ` ${outcome.paymentIntentId}` : outcome.reason ? `: ${outcome.reason}` : '';
}
