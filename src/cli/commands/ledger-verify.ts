import { verifyLedger } from '../../ledger/verify-ledger.js';
import type { Runtime } from '../../runtime.js';
import { out } from '../output.js';

/** `flattr ledger verify`: every invariant of money rule 10; exit 1 naming the first broken one. */
export async function ledgerVerifyCommand(runtime: Runtime): Promise<number> {
  const { prisma } = await runtime.db();
  const verdict = await verifyLedger(prisma);
  if (!verdict.ok) {
    process.stderr.write(`flattr: ledger invariant broken: ${verdict.invariant} (${verdict.detail})\n`);
    return 1;
  }
  out(`ledger ok: ${verdict.checked.length} invariants hold`);
  for (const invariant of verdict.checked) out(`  ✓ ${invariant}`);
  return 0;
}
