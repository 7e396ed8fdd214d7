import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { loadSlackFixture } from '../../fixtures/slack/load.js';
import { startSlackHub, type SlackHub } from './slack-harness.js';

/** Multi-workspace: OAuth v2 install through /slack/install and /slack/oauth_redirect, tokens encrypted per team. */
describe('Slack OAuth install', () => {
  let s: SlackHub;
  beforeAll(async () => { s = await startSlackHub({ oauth: true }); });
  afterAll(async () => { await s?.close(); });

  const install = async (code: string, tamper = false) => {
    const start = await fetch(`${s.url}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.searchParams.get('client_id')).toBe('1234.5678');
    expect(location.searchParams.get('scope')).toContain('reactions:read');
    expect(location.searchParams.get('redirect_uri')).toMatch(/\/slack\/oauth_redirect$/);
    const state = location.searchParams.get('state')!;
    const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const back = `${s.url}/slack/oauth_redirect?code=${code}&state=${tamper ? `${state}x` : state}`;
    return fetch(back, { headers: { cookie }, redirect: 'manual' });
  };
  const community = async (team: string) => (await s.database.prisma.$queryRawUnsafe<{ bot_token: Uint8Array | null; name: string | null }[]>(
    `SELECT bot_token, name FROM communities WHERE platform = 'slack' AND external_id = $1`, team))[0];

  it('ignores reactions from a workspace that has not installed the app', async () => {
    const d = s.envelope({ user: 'alice', author: 'bob', message: 'before', emoji: 'star' });
    expect((await s.post(d.envelope)).status).toBe(200);
    expect((await s.drain()).ignored.not_installed).toBe(1);
  });

  it('refuses a callback whose state does not match', async () => {
    s.fake.grantOAuthCode('code-tampered', 'TTAMPER');
    const res = await install('code-tampered', true);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await community('TTAMPER')).toBeUndefined();
  });

  it('stores the workspace token encrypted, then takes that workspace\'s reactions', async () => {
    s.fake.grantOAuthCode('code-1', s.team, 'Acme');
    const res = await install('code-1');
    expect(res.status).toBe(200);
    const row = await community(s.team);
    expect(row?.name).toBe('Acme');
    expect(Buffer.from(row!.bot_token!).toString('latin1')).not.toContain(`xoxb-${s.team}`);
    expect(s.fake.callsTo('oauth.v2.access')).toHaveLength(1);

    await setSupporter(s.database.prisma, { platform: 'slack', externalId: `${s.team}:${s.userId('alice')}`, budget: '10', enable: ['slack'] });
    const d = s.envelope({ user: 'alice', author: 'bob', message: 'after', emoji: 'star' });
    expect((await s.post(d.envelope)).status).toBe(200);
    expect((await s.drain()).active).toContain(d.item);
    const lookups = s.fake.callsTo('users.info').filter((c) => c.params.user === s.userId('alice'));
    expect(lookups.at(-1)?.token).toBe(`xoxb-${s.team}-fake`);
  });

  it('forgets the token when the workspace uninstalls the app, and ignores its reactions after that', async () => {
    for (const name of ['tokens-revoked', 'app-uninstalled'] as const) {
      s.fake.grantOAuthCode(`code-${name}`, s.team, 'Acme');
      expect((await install(`code-${name}`)).status).toBe(200);
      expect((await community(s.team))?.bot_token).not.toBeNull();
      const bye = { ...loadSlackFixture(name), team_id: s.team };
      expect((await s.post(bye)).status).toBe(200);
      expect((await community(s.team))?.bot_token).toBeNull();
    }
    const before = (await s.drain()).ignored.not_installed ?? 0;
    const d = s.envelope({ user: 'alice', author: 'bob', message: 'gone', emoji: 'star' });
    expect((await s.post(d.envelope)).status).toBe(200);
    const after = await s.drain();
    expect(after.ignored.not_installed).toBe(before + 1);
    expect(after.active).not.toContain(d.item);
  });
});
