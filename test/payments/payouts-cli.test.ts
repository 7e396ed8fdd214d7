import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { startFakeStripeConnect, type FakeStripeServer } from '../fakes/stripe/connect-server.js';
import { runCli } from '../support/cli.js';
import { useCliEnv } from '../support/cli-env.js';
import { buildWorld, PERIOD, settings, settlePeriod } from '../settlement/support/settle-world.js';
import { connectCreator, creatorBalance, PAYOUT_WORLD, payoutRows } from './payouts-support.js';

const BIN = fileURLToPath(new URL('../../bin/flattr.js', import.meta.url));

/** `flattr payouts run` and `flattr payments reconcile` as an operator runs them, against the fake Stripe. */
describe('flattr payouts run and flattr payments reconcile', { timeout: 120_000 }, () => {
  const cli = useCliEnv();
  let stripe: FakeStripeServer;
  let creators: number[];
  const db = () => cli.database().prisma;
  const env = () => ({ ...cli.env(), STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: 'whsec_fake', STRIPE_API_URL: stripe.url, PAYOUT_MINIMUM: '10.00' });
  const transfersPosted = () => stripe.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers');

  beforeAll(async () => {
    stripe = await startFakeStripeConnect();
    creators = (await buildWorld(db(), PAYOUT_WORLD)).creatorIds as number[];
    await settlePeriod(db(), PERIOD, settings());
    await connectCreator(db(), stripe, creators[0]!);
    await connectCreator(db(), stripe, creators[1]!);
  });
  afterAll(async () => {
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
    await stripe?.close();
  });

  it('--dry-run prints what would be paid and skipped, and writes nothing', async () => {
    const result = await runCli(['payouts', 'run', '--dry-run'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`would pay user ${creators[0]}  31.50 EUR → acct_`);
    expect(result.stdout).toContain(`skipped  user ${creators[2]}  9.00 EUR: below_minimum`);
    expect(await payoutRows(db())).toEqual([]);
    expect(transfersPosted()).toEqual([]);
  });

  it('killed (SIGKILL) while Stripe holds its transfer call: run again, one transfer per payout key', async () => {
    // Stripe does the first transfer and never answers; the process is killed while it waits.
    stripe.fake.fail({ method: 'POST', path: '/v1/transfers', lose: 'hang', times: 1 });
    const child = spawn(process.execPath, [BIN, 'payouts', 'run'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env() }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await stripe.fake.waitForRequests('POST', '/v1/transfers', 1);
    child.kill('SIGKILL');
    await exited;
    expect(stripe.fake.transfers.size).toBe(1);
    expect((await payoutRows(db())).map((p) => p.status)).toEqual(['pending']);

    const rerun = await runCli(['payouts', 'run'], env());
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/paid\s+user \d+\s+31\.50 EUR → acct_\w+ \(resumed\) tr_/);
    expect(stripe.fake.transfers.size).toBe(2);
    expect((await payoutRows(db())).map((p) => p.status)).toEqual(['paid', 'paid']);
    const perKey = new Map<string, number>();
    for (const t of stripe.fake.transfers.values()) perKey.set(t.transfer_group!, (perKey.get(t.transfer_group!) ?? 0) + 1);
    expect([...perKey.values()]).toEqual([1, 1]);
    expect(await creatorBalance(db(), creators[0]!)).toBe(0n);
    expect(await creatorBalance(db(), creators[1]!)).toBe(0n);
  });

  it('reconcile exits 0 when the ledger and Stripe agree and 1 listing a planted difference; a bad date is refused in one line', async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const clean = await runCli(['payments', 'reconcile', '--since', since], env());
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('the ledger and Stripe agree');

    const stray = stripe.fake.addBalanceTransaction({ amount: -1234, currency: 'eur', type: 'transfer', source: 'tr_planted' });
    const found = await runCli(['payments', 'reconcile', '--since', since], env());
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`missing in the ledger: Stripe transfer ${stray.id} (tr_planted) -1234 EUR`);
    expect(found.stdout).toContain('1 difference(s)');

    const bad = await runCli(['payments', 'reconcile', '--since', 'last week'], env());
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/"last week" is not a date/);
  });

  it('refuses to run without Stripe configured, in one line', async () => {
    const result = await runCli(['payouts', 'run'], cli.env());
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/payments are off: set STRIPE_SECRET_KEY/);
  });
});
