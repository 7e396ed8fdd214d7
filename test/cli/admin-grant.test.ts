import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useCliEnv } from '../support/cli-env.js';

/** `flattr admin grant|revoke`: who sees the operator pages with their own sign-in. */
describe('flattr admin grant and revoke', { timeout: 120_000 }, () => {
  const world = useCliEnv();
  const admins = async () => (await world.database().prisma.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM users WHERE admin ORDER BY id`)).map((r) => r.id);
  const run = (args: string[]) => runCli(args, world.env());
  const userOf = async (externalId: string) =>
    (await world.database().prisma.$queryRawUnsafe<{ user_id: number }[]>(`SELECT user_id FROM identities WHERE external_id = $1`, externalId))[0]!.user_id;

  it('marks the user behind an identity as an operator, says so once, and takes it back', async () => {
    expect((await run(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:UOPS', '--budget', '5'])).code).toBe(0);
    const userId = await userOf('T1:UOPS');

    const granted = await run(['admin', 'grant', '--platform', 'slack', '--external-id', 'T1:UOPS']);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout.trim()).toBe(`slack:T1:UOPS (user ${userId}) is now an operator: /admin and /api/v1/admin/* with their own sign-in`);
    expect(await admins()).toEqual([userId]);

    const again = await run(['admin', 'grant', '--platform', 'slack', '--external-id', 'T1:UOPS']);
    expect(again.stdout.trim()).toBe(`slack:T1:UOPS (user ${userId}) is already an operator; nothing changed`);

    const revoked = await run(['admin', 'revoke', '--platform', 'slack', '--external-id', 'T1:UOPS']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout.trim()).toBe(`slack:T1:UOPS (user ${userId}) is no longer an operator`);
    expect(await admins()).toEqual([]);
  });

  it('refuses an unknown identity, an unclaimed one and a malformed id in one line, changing nothing', async () => {
    await world.database().prisma.$executeRawUnsafe(`INSERT INTO identities (platform, external_id) VALUES ('discord', '80351110224678777')`);
    const cases: [string[], RegExp][] = [
      [['--platform', 'slack', '--external-id', 'T1:UNOBODY'], /^flattr: external-id: nobody is known as slack:T1:UNOBODY; .*Nothing was changed\.$/],
      [['--platform', 'discord', '--external-id', '80351110224678777'], /^flattr: external-id: discord:80351110224678777 has not joined, so there is no user to make an operator: .*Nothing was changed\.$/],
      [['--platform', 'slack', '--external-id', 'u123'], /"u123" is not a slack user id/],
      [['--platform', 'myspace', '--external-id', 'T1:U1'], /platform/],
    ];
    for (const [args, reason] of cases) {
      const result = await run(['admin', 'grant', ...args]);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(reason);
    }
    expect(await admins()).toEqual([]);
    expect((await world.database().prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM users`))[0]!.n).toBe(1);
  });
});
