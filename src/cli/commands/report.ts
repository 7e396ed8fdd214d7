import { toDecimalString } from '../../domain/money.js';
import type { Runtime } from '../../runtime.js';
import { buildReport } from '../../settlement/build-report.js';
import { out, toJson } from '../output.js';

/** `flattr report --period YYYY-MM [--json]`: the JSON is exactly DESIGN.md section 4's shape. */
export async function reportCommand(runtime: Runtime, o: { period: string; json?: boolean }): Promise<number> {
  const { prisma } = await runtime.db();
  const report = await buildReport(prisma, o.period);
  if (o.json) {
    out(toJson(report));
    return 0;
  }
  out(`${report.period}: ${report.status}, ${report.supporters.length} supporters, ${report.recipients.length} recipients`);
  for (const t of report.totals) {
    const m = (minor: bigint) => toDecimalString({ minor, currency: t.currency });
    out(`  ${t.currency}: charged ${m(t.charged)}, fees ${m(t.fees)}, credited ${m(t.credited)}, escrowed ${m(t.escrowed)}`);
  }
  for (const r of report.recipients) {
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    out(`  ${r.platform}:${r.externalId}: ${toDecimalString({ minor: r.amount, currency: r.currency })} ${r.currency} ` +
      `from ${plural(r.supporters, 'supporter')} (${plural(r.flattrs, 'flattr')}), ${r.claimed ? 'credited' : 'in escrow'}`);
  }
  return 0;
}
