import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useCliEnv } from '../support/cli-env.js';

/** `flattr supporter set --currency` and money rule 11, through the real bin. */
describe('flattr supporter set --currency', { timeout: 240_000 }, () => {
  const world = useCliEnv();
  const database = { get prisma() { return world.database().prisma; } };

  const set = (id: string, ...args: string[]) => runCli(['supporter', 'set', '--platform', 'slack', '--external-id', id, ...args], world.env());
  const state = async (id: string) => (await database.prisma.$queryRawUnsafe<{ currency: string; budget_minor: bigint }[]>(
    `SELECT trim(u.currency) AS currency, s.budget_minor FROM identities i JOIN users u ON u.id = i.user_id JOIN supporter_settings s ON s.user_id = u.id
      WHERE i.platform = 'slack' AND i.external_id = $1`, id))[0];

  it('refuses to change the currency of a funded wallet in one line saying what to do, changing nothing', async () => {
    expect((await set('T1:F1', '--budget', '35.00')).code).toBe(0);
    expect((await runCli(['wallet', 'credit', '--platform', 'slack', '--external-id', 'T1:F1', '--amount', '12.00'], world.env())).code).toBe(0);
    const refused = await set('T1:F1', '--currency', 'USD', '--budget', '10.00', '--on', 'slack');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr.trim()).toMatch(/^flattr: currency: the wallet holds 12\.00 EUR, so the currency cannot change to USD .*or keep EUR\. Nothing was changed\.$/);
    expect(await state('T1:F1')).toEqual({ currency: 'EUR', budget_minor: 3500n });
    const [credit] = await database.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM transfers`);
    expect(credit!.n).toBe(1);
  });

  it('asks for the budget in the new currency on an empty wallet, and takes a first currency without one', async () => {
    expect((await set('T1:E1', '--budget', '35.00')).code).toBe(0);
    const alone = await set('T1:E1', '--currency', 'JPY');
    expect(alone.code).toBe(1);
    expect(alone.stderr.trim().split('\n')).toHaveLength(1);
    expect(alone.stderr.trim()).toMatch(/^flattr: currency: changing from EUR to JPY needs the budget in JPY in the same change: flattr supporter set … --currency JPY --budget 10/);
    expect(await state('T1:E1')).toEqual({ currency: 'EUR', budget_minor: 3500n });
    const named = await set('T1:E1', '--currency', 'JPY', '--budget', '3500');
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/updated supporter \d+ \(slack:T1:E1\): budget 3500 JPY\/month/);
    expect(await state('T1:E1')).toEqual({ currency: 'JPY', budget_minor: 3500n });

    const first = await set('T1:E2', '--currency', 'JPY');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/created supporter \d+ \(slack:T1:E2\): budget 0 JPY\/month/);
  });
});
