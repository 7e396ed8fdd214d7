import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { InvalidInputError } from '../../src/domain/errors.js';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { startHub, type Hub } from '../../src/main.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { loginLinkForIdentity } from '../../src/web/login-link-for-identity.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { postCommand } from '../fakes/slack/slack-requests.js';
import { runCli } from '../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { Browser, httpSend } from './support/browser.js';

const TEAM = 'T0WEB';

/**
 * The web side as `flattr start` wires it (an api hub on a real port, the
 * Slack adapter on the fake Slack): `/flattr login` in chat and
 * `flattr login-link` at the terminal both give a link that signs in over real
 * HTTP, and the web's headers stay off the hub's other routes.
 */
describe('sign-in links from chat and from the CLI, on a running hub', () => {
  let slack: FakeSlackApi;
  let database: TestDatabase;
  let hub: Hub;
  let env: Record<string, string>;
  const secret = randomBytes(16).toString('hex');

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const ws = slack.addWorkspace(TEAM);
    slack.setUser(TEAM, { id: 'U0FRANCOISE', locale: 'fr-FR' });
    database = await createPostgresDatabase();
    const port = await freePort();
    env = {
      DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: await mkdtemp(path.join(tmpdir(), 'flattr-web-')),
      PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'silent',
      SLACK_SIGNING_SECRET: secret, SLACK_BOT_TOKEN: ws.botToken, SLACK_API_URL: slack.url,
    };
    hub = await startHub(loadConfig(env), { role: 'api' });
  });
  afterAll(async () => {
    await hub?.close();
    await slack?.close();
    await database?.drop();
  });

  const login = async (user: string) => {
    const res = await postCommand(hub.url!, {
      token: 'x', team_id: TEAM, team_domain: 'web', channel_id: 'C0WEB', channel_name: 'general', user_id: user, user_name: user.toLowerCase(),
      command: '/flattr', text: 'login', api_app_id: 'A0FLATTR', response_url: 'https://hooks.slack.com/commands/1/2', trigger_id: '1.2.3',
    }, { now: new Date(), secret });
    expect(res.status).toBe(200);
    return (await res.json()) as { response_type: string; text: string };
  };
  const linkIn = (text: string) => /(http:\/\/127\.0\.0\.1:\d+\/login\/[A-Za-z0-9_-]{43})/.exec(text)?.[1];

  it('/flattr login answers a link only the typer sees, in their language, which signs them in once', async () => {
    await setSupporter(database.prisma, { platform: 'slack', externalId: `${TEAM}:U0FRANCOISE`, budget: '10.00', enable: ['slack'] });
    const reply = await login('U0FRANCOISE');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/^Votre lien de connexion, pour vous seul \(il fonctionne une fois, pendant 15 minutes\) : http:\/\/127\.0\.0\.1:\d+\/login\/\S+$/);
    const browser = new Browser(httpSend(hub.url!), 'fr');
    const opened = await browser.get(linkIn(reply.text)!);
    expect(opened.status).toBe(303);
    const home = await browser.get('/');
    expect(home.body).toContain(`Connecté en tant que Slack ${TEAM}:U0FRANCOISE.`);
    expect((await new Browser(httpSend(hub.url!)).get(linkIn(reply.text)!)).status).toBe(410);
  });

  it('/flattr login by an unclaimed creator claims the account, moves the escrow and says so', async () => {
    await escrow(`${TEAM}:U0MAKER`, 725n);
    const reply = await login('U0MAKER');
    expect(reply.text).toContain('€7.25 that supporters flattred you with moved to your balance.');
    const browser = new Browser(httpSend(hub.url!));
    expect((await browser.get(linkIn(reply.text)!)).status).toBe(303);
    const me = JSON.parse((await browser.json('GET', '/api/v1/me')).body) as { creator: { balances: unknown[]; escrow: unknown[] } };
    expect(me.creator).toEqual({ balances: [{ minor: 725, currency: 'EUR' }], lastPeriod: null, escrow: [] });
  });

  it('flattr login-link prints a link for a joined identity; an unclaimed or unknown one is refused, in one line, making nobody', async () => {
    await setSupporter(database.prisma, { platform: 'slack', externalId: `${TEAM}:U0OPERATED`, budget: '5.00' });
    const ok = await runCli(['login-link', '--platform', 'slack', '--external-id', `${TEAM}:U0OPERATED`], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^${env.PUBLIC_URL}/login/[A-Za-z0-9_-]{43}\\n$`));
    expect(ok.stderr).toMatch(/^works once, until \S+ \(15 minutes\)/);
    const browser = new Browser(httpSend(hub.url!));
    expect((await browser.get(ok.stdout.trim())).status).toBe(303);
    expect((await browser.get('/')).body).toContain(`Signed in as Slack ${TEAM}:U0OPERATED.`);

    await escrow(`${TEAM}:U0WAITING`, 100n);
    const users = await count('users');
    const unclaimed = await runCli(['login-link', '--platform', 'slack', '--external-id', `${TEAM}:U0WAITING`], env);
    expect(unclaimed.code).toBe(1);
    expect(unclaimed.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^flattr: external-id: slack:T0WEB:U0WAITING has not joined, so there is no user to sign in as: .* Nothing was changed\.$/)]);
    // The same refusal class for an identity nobody knows (the CLI prints it as the line above).
    await expect(loginLinkForIdentity(database.prisma, { platform: 'discord', externalId: '80351110224670000', publicUrl: env.PUBLIC_URL!, now: new Date(), claim: false }))
      .rejects.toThrow(new InvalidInputError('external-id', 'nobody is known as discord:80351110224670000; they sign in with discord or type /flattr login in chat'));
    expect(await count('users')).toBe(users);
    expect(await count('login_tokens WHERE user_id IS NOT NULL')).toBe(3);
  });

  it('the web headers and cookies stay on the web routes: probes and Slack are untouched', async () => {
    const health = await fetch(`${hub.url}/healthz`);
    expect(health.headers.get('content-security-policy')).toBeNull();
    expect((await fetch(`${hub.url}/`)).headers.get('content-security-policy')).toContain("default-src 'none'");
    const doc = await fetch(`${hub.url}/api/v1/openapi.json`);
    expect(((await doc.json()) as { servers: { url: string }[] }).servers).toEqual([{ url: env.PUBLIC_URL }]);
  });

  async function count(from: string): Promise<number> {
    return (await database.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${from}`))[0]!.n;
  }

  async function escrow(externalId: string, minor: bigint): Promise<void> {
    const payer = `${TEAM}:U0PAYER${minor}`;
    const { userId } = await setSupporter(database.prisma, { platform: 'slack', externalId: payer, budget: '10.00' });
    await creditWallet(database.prisma, { platform: 'slack', externalId: payer, amount: '10.00' });
    await database.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`INSERT INTO identities (platform, external_id) VALUES ('slack', $1)`, externalId);
      const [identity] = await tx.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM identities WHERE external_id = $1`, externalId);
      const [wallet, held] = await ensureAccounts(tx, [{ kind: 'wallet', userId, currency: 'EUR' }, { kind: 'escrow', identityId: identity!.id, currency: 'EUR' }]);
      await postTransfer(tx, { kind: 'settlement', idempotencyKey: `web-test:${externalId}`, period: '2026-10', entries: [
        { accountId: wallet!, currency: 'EUR', amount: -minor }, { accountId: held!, currency: 'EUR', amount: minor, payerUserId: userId },
      ] });
    });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
