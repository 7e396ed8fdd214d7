import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { createTokenCipher } from '../../../src/support/token-cipher.js';
import { cutDatabase } from './database-outage.js';
import { startSlackHub, type SlackHub } from './slack-harness.js';

/**
 * An event whose authorization fails is lost if the hub answers 200: Slack
 * only redelivers on a timeout or a non-2xx answer. Only a workspace without
 * an installation is acknowledged; a passing fault answers 5xx and the
 * redelivery after it is recorded once.
 */
describe('Slack authorization failures', () => {
  describe('OAuth installs', () => {
    const key = randomBytes(32).toString('base64');
    let s: SlackHub;
    beforeAll(async () => { s = await startSlackHub({ oauth: true, env: { TOKEN_ENCRYPTION_KEY: key } }); });
    afterAll(async () => { await s?.close(); });

    const install = async (team: string, sealed: Buffer) => {
      await s.database.prisma.$executeRawUnsafe(`INSERT INTO communities (platform, external_id, name, bot_token) VALUES ('slack', $1, $2, $3)`, team, team, sealed);
    };
    const supporter = async (team: string, user: string) =>
      setSupporter(s.database.prisma, { platform: 'slack', externalId: `${team}:${s.userId(user)}`, budget: '10', enable: ['slack'] });
    const forTeam = (team: string, d: ReturnType<SlackHub['envelope']>) => ({
      item: d.item.replace(s.team, team), envelope: { ...d.envelope, team_id: team },
    });

    it('answers 5xx while the database is unreachable, and records the like once when Slack retries after the outage', async () => {
      await install(s.team, createTokenCipher(key).encrypt(`xoxb-${s.team}-fake`));
      await supporter(s.team, 'alice');
      const before = await s.drain();
      const d = s.envelope({ user: 'alice', author: 'bob', message: 'outage', emoji: 'star' });

      const restore = await cutDatabase(s.database.url!);
      let during: number;
      try {
        during = (await s.post(d.envelope)).status;
      } finally {
        await restore();
      }
      expect(during).toBeGreaterThanOrEqual(500);

      expect((await s.post(d.envelope, { retryNum: 1 })).status).toBe(200);
      expect((await s.post(d.envelope, { retryNum: 2 })).status).toBe(200);
      const after = await s.drain();
      expect(after.events).toBe(before.events + 1);
      expect(after.active.filter((item) => item === d.item)).toHaveLength(1);
      expect(after.ignored.not_installed ?? 0).toBe(before.ignored.not_installed ?? 0);
    });

    it('answers 5xx when the stored token does not decrypt (another TOKEN_ENCRYPTION_KEY)', async () => {
      const team = 'TOTHERKEY';
      s.fake.addWorkspace(team);
      await install(team, createTokenCipher(randomBytes(32).toString('base64')).encrypt(`xoxb-${team}-fake`));
      await supporter(team, 'alice');
      const before = await s.drain();
      const d = forTeam(team, s.envelope({ user: 'alice', author: 'bob', message: 'other-key', emoji: 'star' }));
      expect((await s.post(d.envelope)).status).toBeGreaterThanOrEqual(500);
      const after = await s.drain();
      expect(after.events).toBe(before.events);
      expect(after.ignored.not_installed ?? 0).toBe(before.ignored.not_installed ?? 0);
    });

    it('acknowledges a workspace with no installation with 200 and counts it as not_installed', async () => {
      const before = await s.drain();
      const d = forTeam('TNEVERINSTALLED', s.envelope({ user: 'alice', author: 'bob', message: 'never', emoji: 'star' }));
      expect((await s.post(d.envelope)).status).toBe(200);
      const after = await s.drain();
      expect(after.ignored.not_installed).toBe((before.ignored.not_installed ?? 0) + 1);
      expect(after.events).toBe(before.events);
    });

    it('acknowledges a workspace whose stored token Slack calls invalid (revoked) as not_installed', async () => {
      const team = 'TREVOKED';
      await install(team, createTokenCipher(key).encrypt('xoxb-revoked-long-ago'));
      const before = await s.drain();
      const d = forTeam(team, s.envelope({ user: 'alice', author: 'bob', message: 'revoked', emoji: 'star' }));
      expect((await s.post(d.envelope)).status).toBe(200);
      const after = await s.drain();
      expect(after.ignored.not_installed).toBe((before.ignored.not_installed ?? 0) + 1);
      expect(s.fake.callsTo('auth.test').some((c) => c.token === 'xoxb-revoked-long-ago')).toBe(true);
    });
  });

  describe('single-workspace token', () => {
    let s: SlackHub;
    beforeAll(async () => { s = await startSlackHub(); });
    afterAll(async () => { await s?.close(); });

    it('answers 5xx when auth.test never answers or answers 500, and records the likes when Slack retries', async () => {
      await setSupporter(s.database.prisma, { platform: 'slack', externalId: `${s.team}:${s.userId('alice')}`, budget: '10', enable: ['slack'] });
      const before = await s.drain();
      const stalled = s.envelope({ user: 'alice', author: 'bob', message: 'stalled', emoji: 'star' });
      s.fake.failNext('auth.test', 'stall');
      expect((await s.post(stalled.envelope)).status).toBeGreaterThanOrEqual(500);
      const failed = s.envelope({ user: 'alice', author: 'carol', message: 'failed', emoji: 'star' });
      s.fake.failNext('auth.test', 500);
      expect((await s.post(failed.envelope)).status).toBeGreaterThanOrEqual(500);
      expect(s.fake.callsTo('auth.test')).toHaveLength(2);
      expect((await s.drain()).events).toBe(before.events);

      expect((await s.post(stalled.envelope, { retryNum: 1 })).status).toBe(200);
      expect((await s.post(failed.envelope, { retryNum: 1 })).status).toBe(200);
      const after = await s.drain();
      expect(after.events).toBe(before.events + 2);
      expect(after.active).toEqual(expect.arrayContaining([stalled.item, failed.item]));
      expect(after.ignored.not_installed).toBeUndefined();
    });
  });
});
