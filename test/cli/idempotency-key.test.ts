import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useCliEnv } from '../support/cli-env.js';

/** `flattr wallet credit --idempotency-key`: a key names one operation (money rule 11), through the real bin. */
describe('flattr wallet credit --idempotency-key', { timeout: 240_000 }, () => {
  const world = useCliEnv();
  const database = { get prisma() { return world.database().prisma; } };

  const credit = (id: string, ...args: string[]) => runCli(['wallet', 'credit', '--platform', 'slack', '--external-id', id, '--idempotency-key', 'pay-42', ...args], world.env());
  const ledger = async () => (await database.prisma.$queryRawUnsafe<{ transfers: number; entries: number; wallets: string }[]>(
    `SELECT (SELECT count(*)::int FROM transfers) AS transfers, (SELECT count(*)::int FROM entries) AS entries,
            (SELECT coalesce(string_agg(i.external_id || '=' || (SELECT coalesce(sum(e.amount), 0) FROM entries e WHERE e.account_id = a.id), ',' ORDER BY i.external_id), '')
               FROM accounts a JOIN identities i ON i.user_id = a.user_id WHERE a.kind = 'wallet') AS wallets`))[0];
  const refusedNamingTheKey = (result: { code: number; stdout: string; stderr: string }) => {
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(/^flattr: idempotency-key: "pay-42" was already used for transfer \d+ \(funding: wallet credit slack:T1:A\) with other parameters; .*Nothing was written\.$/);
  };

  it('returns the first result for the same credit, and refuses other amounts, currencies and supporters, writing nothing', async () => {
    for (const id of ['T1:A', 'T1:B']) expect((await runCli(['supporter', 'set', '--platform', 'slack', '--external-id', id, '--budget', '10'], world.env())).code).toBe(0);
    const first = await credit('T1:A', '--amount', '50.05');
    expect(first).toMatchObject({ code: 0, stdout: 'credited 50.05 EUR to slack:T1:A; wallet 50.05 EUR\n' });
    const same = await credit('T1:A', '--amount', '50.05', '--currency', 'eur');
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^already credited \(same idempotency key\) 50\.05 EUR to slack:T1:A; wallet 50\.05 EUR$/m);
    const after = await ledger();
    expect(after).toEqual({ transfers: 1, entries: 2, wallets: 'T1:A=5005' });

    refusedNamingTheKey(await credit('T1:A', '--amount', '60.00'));
    refusedNamingTheKey(await credit('T1:A', '--amount', '50.05', '--currency', 'USD'));
    // Another supporter is never told "already credited" for money they did not receive.
    refusedNamingTheKey(await credit('T1:B', '--amount', '50.05'));
    expect(await ledger()).toEqual(after);
  });
});
