import { InvalidInputError } from '../../domain/errors.js';
import type { Runtime } from '../../runtime.js';
import { buildReport, type SettlementReport } from '../../settlement/build-report.js';
import { settleableAt } from '../../settlement/period-guard.js';
import { settlementSettings } from '../../settlement/settings-from-config.js';
import { out, toJson } from '../output.js';
import { formatAmount, formatTotals, formatWhen, plural } from '../settlement-format.js';

export const DEFAULT_REPORT_LIMIT = 20;

/**
 * `flattr report --period YYYY-MM [--json] [--limit N]`. The JSON is exactly
 * the shape in docs/contracts.md. A period with no run is reported as what
 * settling it now would move, status "open", labelled as a preview.
 */
export async function reportCommand(runtime: Runtime, o: { period: string; json?: boolean; limit?: string }): Promise<number> {
  const limit = parseLimit(o.limit);
  const settings = settlementSettings(runtime.config);
  const { prisma } = await runtime.db();
  const report = await buildReport(prisma, o.period, settings);
  if (o.json) {
    out(toJson(report));
    return 0;
  }
  for (const line of renderReport(report, { limit, closesAt: settleableAt(report.period, settings), now: new Date(), timeZone: settings.timeZone })) out(line);
  return 0;
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_REPORT_LIMIT;
  if (!/^[1-9]\d{0,5}$/.test(raw)) throw new InvalidInputError('limit', `"${raw}" is not a number of lines: write a whole number from 1, e.g. --limit 50`);
  return Number(raw);
}

type RenderOptions = { limit: number; closesAt: Date; now: Date; timeZone: string };

/** The report for a person: totals in the words of `flattr settle`, then who got what and who paid, largest first. */
function renderReport(r: SettlementReport, o: RenderOptions): string[] {
  const lines = [`${r.period}: ${r.status}, ${plural(r.supporters.length, 'supporter')}, ${plural(r.recipients.length, 'recipient')}`];
  if (r.status === 'open') {
    const pending = r.supporters.reduce((n, s) => n + s.flattrs, 0);
    const when = o.now < o.closesAt ? `the month closes ${formatWhen(o.closesAt, o.timeZone)}` : 'the month is closed and waits for its run';
    lines.push(`  preview: what settling it now would move, with today's budgets and wallets; nothing is charged yet (${when})`);
    lines.push(`  ${plural(pending, 'pending flattr')} from ${plural(r.supporters.filter((s) => s.flattrs > 0).length, 'supporter')}`);
  }
  if (r.status === 'running') lines.push('  its run is in progress: what is settled so far');
  if (r.totals.length === 0) lines.push('  nothing moves: no supporter has an active flattr in this period');
  for (const t of r.totals) lines.push(`  ${formatTotals(t)}`);

  const recipients = [...r.recipients].sort((a, b) => a.currency.localeCompare(b.currency) || compareDesc(a.amount, b.amount));
  lines.push(...section('recipients', recipients, o.limit, (x) => [
    `${x.platform}:${x.externalId}`,
    `${formatAmount(x.amount, x.currency)} from ${plural(x.supporters, 'supporter')} (${plural(x.flattrs, 'flattr')}), ${x.claimed ? 'credited (claimed)' : 'in escrow (unclaimed)'}`,
  ]));
  const supporters = [...r.supporters].sort((a, b) => a.currency.localeCompare(b.currency) || compareDesc(a.charged, b.charged));
  lines.push(...section('supporters', supporters, o.limit, (x) => [
    x.identities.map((i) => `${i.platform}:${i.externalId}`).join(', ') || '(no identity)',
    `charged ${formatAmount(x.charged, x.currency)}, fee ${formatAmount(x.fee, x.currency)}, ${plural(x.flattrs, 'flattr')}`,
  ]));
  return lines;
}

/** A titled list, first `limit` rows with their names aligned, and how many were left out. */
function section<T>(title: string, rows: T[], limit: number, cells: (row: T) => [string, string]): string[] {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, limit).map(cells);
  const width = Math.max(...shown.map(([name]) => name.length));
  return [
    `${title}, largest first:`,
    ...shown.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`),
    ...(rows.length > limit ? [`  … and ${rows.length - limit} more`] : []),
  ];
}

const compareDesc = (a: bigint, b: bigint) => (a > b ? -1 : a < b ? 1 : 0);
