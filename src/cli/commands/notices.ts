import { listNotices, type NoticeListing } from '../../notices/list-notices.js';
import type { Runtime } from '../../runtime.js';
import { out, toJson } from '../output.js';

/** `flattr notices --period YYYY-MM [--json]`: every notice of a settled period with its status and reason. */
export async function noticesCommand(runtime: Runtime, o: { period: string; json?: boolean }): Promise<number> {
  const { prisma } = await runtime.db();
  const notices = await listNotices(prisma, o.period);
  if (o.json) {
    out(toJson({ period: o.period, notices }));
    return 0;
  }
  const counts = new Map<string, number>();
  for (const n of notices) counts.set(n.status, (counts.get(n.status) ?? 0) + 1);
  out(`${o.period}: ${notices.length} notice${notices.length === 1 ? '' : 's'}${notices.length ? ` (${[...counts].map(([s, n]) => `${s} ${n}`).join(', ')})` : ''}`);
  for (const n of notices) out(`  ${describeNotice(n)}`);
  return 0;
}

/** "sent     digest    slack:T1 1/2 to channel C1: message 1700000000.000100", "failed   statement user:7 to discord user 802: discord_50007: …" */
export function describeNotice(n: NoticeListing): string {
  const part = n.parts > 1 ? ` ${n.part}/${n.parts}` : '';
  const outcome = n.status === 'sent' ? `message ${n.messageId}`
    : n.reason ? `${n.reason}${n.retryable ? ' (retryable: flattr notify tries again)' : ''}${n.lastError && n.status === 'failed' ? `: ${n.lastError}` : ''}`
    : `${n.attempts} attempt${n.attempts === 1 ? '' : 's'} so far`;
  return `${n.status.padEnd(8)} ${n.kind.padEnd(9)} ${n.target}${part} to ${n.to}: ${outcome}`;
}
