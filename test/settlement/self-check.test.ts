import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LEDGER_CHECKS } from '../../src/ledger/verify-ledger.js';
import { createMetrics, type Metrics } from '../../src/support/metrics.js';
import { PERIOD, settings, settlePeriod, useSettleWorld, type WorldSpec } from './support/settle-world.js';

const SPEC: WorldSpec = {
  recipients: [{ claimed: false }, { claimed: true }],
  supporters: Array.from({ length: 5 }, (_, i) => ({
    currency: i % 2 ? 'USD' : 'EUR', budget: 700n + BigInt(i), wallet: 1000n, flattrs: [{ recipient: i, active: true }, { recipient: i + 1, active: true }],
  })),
};

/** What a pino logger wrote, one parsed line each. */
function capturingLogger() {
  const lines: { level: number; msg: string; check?: string; trigger?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

async function gauge(metrics: Metrics): Promise<Record<string, number>> {
  return Object.fromEntries((await metrics.ledgerOk.get()).values.map((v) => [v.labels.check, v.value]));
}
const allHold = () => Object.fromEntries(LEDGER_CHECKS.map((c) => [c.check, 1]));

/** An entry of 5 on a wallet with nothing against it: "every transfer sums to zero" is broken, nothing else. */
async function plantUnbalancedEntry(db: ReturnType<ReturnType<typeof useSettleWorld>['db']>): Promise<void> {
  const [transfer] = await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO transfers (kind, idempotency_key) VALUES ('adjustment', 'planted') RETURNING id`);
  await db.$executeRawUnsafe(
    `INSERT INTO entries (transfer_id, account_id, currency, amount) SELECT $1, id, currency, 5 FROM accounts WHERE kind = 'wallet' ORDER BY id LIMIT 1`,
    transfer!.id);
}

/** `flattr ledger verify` run by the hub itself, after every run; the result is `flattr_ledger_ok{check}`. */
describe('ledger self-check', () => {
  const { db } = useSettleWorld(SPEC);

  it('a run that finishes checks the ledger: flattr_ledger_ok is 1 for every check', async () => {
    const metrics = createMetrics();
    const { logger, lines } = capturingLogger();
    const outcome = await settlePeriod(db(), PERIOD, settings(), { metrics, logger });
    expect(outcome.selfCheck).toEqual({ ok: true, checks: LEDGER_CHECKS.length, broken: [] });
    expect(await gauge(metrics)).toEqual(allHold());
    expect(await metrics.registry.metrics()).toMatch(/^flattr_ledger_ok\{check="transfers_balance"\} 1$/m);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'ledger self-check: every invariant holds', trigger: 'settled' }));
  });

  it('a check that fails after a run reports the broken check and leaves the run settled', async () => {
    await plantUnbalancedEntry(db());
    const metrics = createMetrics();
    const { logger, lines } = capturingLogger();
    const outcome = await settlePeriod(db(), PERIOD, settings(), { metrics, logger });
    expect(outcome.selfCheck).toMatchObject({ ok: false, broken: [{ check: 'transfers_balance', invariant: 'every transfer sums to zero per currency' }] });
    expect(await gauge(metrics)).toEqual({ ...allHold(), transfers_balance: 0 });
    expect(lines.filter((l) => l.level >= 50).map((l) => l.check)).toEqual(['transfers_balance']);
    const [run] = await db().$queryRawUnsafe<{ status: string; settled: number }[]>(
      `SELECT status, (SELECT count(*)::int FROM supporter_settlements) AS settled FROM settlement_runs WHERE period = $1`, PERIOD);
    expect(run).toEqual({ status: 'settled', settled: SPEC.supporters.length });
  });
});
