import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXAccessTokens } from '../../../adapters/twitter/access-token.js';
import { createXNoticeSender } from '../../../adapters/twitter/send.js';
import { markXDisconnected, saveXGrant } from '../../../adapters/twitter/token-store.js';
import { loadConfig } from '../../../src/config.js';
import { NoticeSendError } from '../../../src/notices/notice-send-error.js';
import { createNoticeSenders } from '../../../src/notices/create-notice-senders.js';
import type { OutboundNotice } from '../../../src/notices/port.js';
import { createTokenCipher } from '../../../src/support/token-cipher.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { startFakeX, type FakeX } from '../../fakes/twitter/server.js';

const HUB = '1800000000000000001';

/**
 * X notices are DMs from the hub's own account to connected X users, never
 * posts; X's refusals are classified for the notify worker like Discord's and
 * Slack's (permanent: not retried; transient: retried; 429: waited out).
 */
describe('X notice sender (DMs only)', () => {
  let database: TestDatabase;
  let x: FakeX;
  const key = randomBytes(32).toString('base64');
  const cipher = createTokenCipher(key);
  let seq = 0;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    x = await startFakeX();
    await connect(HUB, ['tweet.read', 'users.read', 'like.read', 'offline.access', 'dm.read', 'dm.write']);
  });
  afterAll(async () => {
    await x?.close();
    await database?.drop();
  });

  const settings = () => ({ apiUrl: x.url, clientId: x.app.clientId, clientSecret: x.app.clientSecret });
  async function connect(xUserId: string, scopes = ['tweet.read', 'users.read', 'like.read', 'offline.access']): Promise<number> {
    const [row] = await database.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO identities (platform, external_id) VALUES ('twitter', $1) RETURNING id`, xUserId);
    const issued = x.issueTokens(xUserId, scopes);
    await saveXGrant(database.prisma, cipher, row!.id, { accessToken: issued.access_token, refreshToken: issued.refresh_token, expiresIn: issued.expires_in, scopes }, new Date());
    return row!.id;
  }
  const sender = (dmSenderId: string | null = HUB) => createXNoticeSender({
    db: database.prisma, settings: settings(), dmSenderId: dmSenderId ?? undefined, tokens: createXAccessTokens({ db: database.prisma, cipher, settings: settings() }),
  });
  const notice = (destination: OutboundNotice['destination']): OutboundNotice => ({
    id: BigInt(++seq), key: `statement:2026-10:${seq}`, kind: 'statement', platform: 'twitter', community: '', destination, payload: { text: 'October: €10.00 charged, 3 flattrs', mentions: [] },
  });
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NoticeSendError);
    const { kind, reason } = error as NoticeSendError;
    return { kind, reason };
  };

  it('DMs a connected user from the hub\'s account, built from configuration like the other senders', async () => {
    const user = `18000000000000001${String(++seq).padStart(2, '0')}`;
    await connect(user);
    const senders = createNoticeSenders(loadConfig({
      TWITTER_CLIENT_ID: x.app.clientId, TWITTER_CLIENT_SECRET: x.app.clientSecret, TWITTER_API_URL: x.url, TWITTER_DM_SENDER_ID: HUB, TWITTER_MODE: 'poll',
    }), { db: database.prisma, cipher });
    const sent = await senders.get('twitter')!.send(notice({ user }));
    expect(x.dms).toContainEqual(expect.objectContaining({ from: HUB, to: user, text: 'October: €10.00 charged, 3 flattrs', dm_event_id: sent.messageId }));
    expect(x.requests.filter((r) => r.method === 'POST' && !r.path.startsWith('/2/dm_conversations/') && !r.path.startsWith('/2/oauth2/'))).toEqual([]);
  });

  it('refuses what X must not get: a channel post, a user who never connected or disconnected, no sender configured', async () => {
    expect(await failure(sender().send(notice({ channel: 'timeline' })))).toEqual({ kind: 'permanent', reason: 'not_a_dm' });
    expect(await failure(sender().send(notice({ user: '1899999999999999999' })))).toEqual({ kind: 'permanent', reason: 'not_connected' });
    const gone = `18000000000000002${String(++seq).padStart(2, '0')}`;
    await markXDisconnected(database.prisma, await connect(gone), 'disconnected_by_user', new Date());
    expect(await failure(sender().send(notice({ user: gone })))).toEqual({ kind: 'permanent', reason: 'not_connected' });
    expect(await failure(sender(null).send(notice({ user: gone })))).toEqual({ kind: 'permanent', reason: 'no_dm_sender' });
    expect(x.dms.filter((d) => d.to === gone)).toEqual([]);
  });

  it('classifies X\'s answers: DMs closed 403 permanent, 503 transient, 429 rate limited with the reset', async () => {
    const user = `18000000000000003${String(++seq).padStart(2, '0')}`;
    await connect(user);
    x.closedDms.add(user);
    expect(await failure(sender().send(notice({ user })))).toEqual({ kind: 'permanent', reason: 'x_403' });
    x.closedDms.delete(user);
    const path = `POST /2/dm_conversations/with/${user}/messages`;
    x.fail(path, { status: 503, body: { title: 'Service Unavailable' } });
    expect(await failure(sender().send(notice({ user })))).toEqual({ kind: 'transient', reason: 'x_503' });
    const reset = Math.ceil(Date.now() / 1000) + 120;
    x.fail(path, { status: 429, body: { title: 'Too Many Requests' }, headers: { 'x-rate-limit-limit': '200', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) } });
    const limited = await sender().send(notice({ user })).catch((e: unknown) => e as NoticeSendError);
    expect(limited).toMatchObject({ kind: 'rate_limited' });
    expect((limited as NoticeSendError).retryAfterMs).toBeGreaterThan(100_000);
    await sender().send(notice({ user }));
    expect(x.dms.filter((d) => d.to === user)).toHaveLength(1);
  });
});
