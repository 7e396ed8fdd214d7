import { InvalidInputError } from '../../domain/errors.js';
import { toDecimalString } from '../../domain/money.js';
import { releaseEscrow } from '../../escrow/release-escrow.js';
import type { Runtime } from '../../runtime.js';
import { out } from '../output.js';

/** `flattr escrow release --dry-run|--apply`: escrow held past ESCROW_HOLD_DAYS back to the paying supporters. */
export async function escrowReleaseCommand(runtime: Runtime, o: { dryRun?: boolean; apply?: boolean }): Promise<number> {
  if (Boolean(o.dryRun) === Boolean(o.apply)) throw new InvalidInputError('mode', 'give exactly one of --dry-run (show what would move) or --apply (move it)');
  const { prisma } = await runtime.db();
  const result = await releaseEscrow(prisma, { holdDays: runtime.config.money.escrowHoldDays, apply: Boolean(o.apply) });
  out(`${result.applied ? 'released' : 'dry run: would release'} escrow credited before ${result.cutoff.toISOString()} (${runtime.config.money.escrowHoldDays} days)`);
  const totals = new Map<string, bigint>();
  for (const r of result.refunds) {
    out(`  ${r.platform}:${r.externalId} → supporter ${r.payerUserId}: ${toDecimalString({ minor: r.amount, currency: r.currency })} ${r.currency}`);
    totals.set(r.currency, (totals.get(r.currency) ?? 0n) + r.amount);
  }
  if (result.refunds.length === 0) out('  nothing to release');
  for (const [currency, minor] of totals) out(`  total ${currency}: ${toDecimalString({ minor, currency })}`);
  if (result.applied) out(`  ${result.transfers} transfer(s) posted`);
  return 0;
}
