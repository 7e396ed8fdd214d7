import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXAccessTokens } from '../../../adapters/twitter/access-token.js';
import { registerXWebhook, XWebhookError } from '../../../adapters/twitter/register-webhook.js';
import { syncXSubscriptions } from '../../../adapters/twitter/subscriptions.js';
import { saveXGrant } from '../../../adapters/twitter/token-store.js';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { createTokenCipher } from '../../../src/support/token-cipher.js';
import { loadXFixture } from '../../fixtures/twitter/load.js';
import { runCli } from '../../support/cli.js';
import { legacyFavoriteBody, xaaLikeBody } from '../../fakes/twitter/webhook-driver.js';
import { startXHub, type XHub } from './x-harness.js';

/**
 * The X webhook on a running hub, driven by signed deliveries from the fake
 * X: the CRC, signatures, XAA and legacy bodies, inbound and self-likes,
 * revoked grants; and the XAA subscriptions kept in line with the supporters'
 * X setting.
 */
describe('X webhook', () => {
  let h: XHub;
  let key: string;
  beforeAll(async () => {
    key = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');
    h = await startXHub({ env: { TOKEN_ENCRYPTION_KEY: key } });
  });
  afterAll(async () => { await h?.close(); });

  const db = () => h.database.prisma;
  const active = async () => (await db().$queryRawUnsafe<{ item: string }[]>(`SELECT item FROM flattrs WHERE status = 'active' ORDER BY item`)).map((r) => r.item);
  const delta = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.entries(after).filter(([k, v]) => v !== (before[k] ?? 0)).map(([k, v]) => [k, v - (before[k] ?? 0)]));

  it('registered PUBLIC_URL/twitter/webhook at start, after answering X\'s CRC', () => {
    expect([...h.x.webhooks.values()]).toEqual([expect.objectContaining({ url: `${h.hub.runtime.config.http.publicUrl}/twitter/webhook`, valid: true })]);
  });

  it('answers the CRC challenge with the HMAC of crc_token under the consumer secret; 400 without crc_token', async () => {
    const crc = await h.driver.crc('a-crc-token');
    expect(crc).toEqual({ status: 200, body: { response_token: `sha256=${createHmac('sha256', h.x.app.consumerSecret).update('a-crc-token').digest('base64')}` } });
    expect((await h.driver.crc(undefined)).status).toBe(400);
  });

  it('refuses a missing or wrong signature, or a body changed after signing, with 401, and records nothing', async () => {
    await h.supporter('sig-alice');
    const body = xaaLikeBody(h.like({ user: 'sig-alice', author: 'sig-bob', message: 'sig-1' }));
    const before = await h.drain();
    expect(await h.driver.deliverUnsigned(body)).toBe(401);
    expect(await h.driver.deliverWrongSignature(body)).toBe(401);
    const raw = JSON.stringify(body);
    const signed = `sha256=${createHmac('sha256', h.x.app.consumerSecret).update(raw).digest('base64')}`;
    const tampered = await fetch(h.driver.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signed }, body: raw.replace('"tag":"flattr"', '"tag":"flattr-changed"') });
    expect(tampered.status).toBe(401);
    const after = await h.drain();
    expect(after.events).toBe(before.events);
    expect(after.ignored).toEqual(before.ignored);
    expect(await active()).not.toContain(h.xId('tweet:sig-1'));
  });

  it('an XAA like.create becomes a flattr to the liked Post\'s author, dated by timestamp_ms; a redelivery counts once', async () => {
    await h.supporter('xaa-alice');
    const like = h.like({ user: 'xaa-alice', author: 'xaa-bob', message: 'xaa-1' });
    like.at = new Date(like.at.getTime() - 3 * 86_400_000);
    const body = xaaLikeBody(like);
    const before = await h.drain();
    expect(await h.driver.deliver(body)).toBe(200);
    expect(await h.driver.deliver(body)).toBe(200);
    const after = await h.drain();
    expect(after.events).toBe(before.events + 1);
    const [flattr] = await db().$queryRawUnsafe<{ recipient: string; occurred_at: Date; event_id: string }[]>(
      `SELECT i.external_id AS recipient, f.occurred_at, f.source_event_id AS event_id FROM flattrs f JOIN identities i ON i.id = f.recipient_identity_id WHERE f.item = $1`, h.xId('tweet:xaa-1'),
    );
    expect(flattr).toEqual({ recipient: h.xId('xaa-bob'), occurred_at: like.at, event_id: (body.data as { event_uuid: string }).event_uuid });
  });

  it('a legacy favorite_events body becomes a flattr the same way', async () => {
    await h.supporter('aaa-alice');
    const before = await h.drain();
    expect(await h.driver.deliverLegacyFavorite(h.like({ user: 'aaa-alice', author: 'aaa-bob', message: 'aaa-1' }))).toBe(200);
    const after = await h.drain();
    expect(after.events).toBe(before.events + 1);
    expect(after.active).toContain(h.xId('tweet:aaa-1'));
  });

  it('inbound likes (others liking the supporter\'s Posts) and self-likes are not flattrs: 200, counted by reason', async () => {
    await h.supporter('in-alice');
    const alice = h.xId('in-alice');
    const before = await h.drain();
    const inbound = { subscriber: alice, liker: h.xId('in-carol'), author: alice, tweet: h.xId('tweet:in-1'), at: h.now() };
    expect(await h.driver.deliverXaaLike(inbound)).toBe(200);
    expect(await h.driver.deliverLegacyFavorite(inbound)).toBe(200);
    expect(await h.driver.deliverXaaLike({ subscriber: alice, author: alice, tweet: h.xId('tweet:in-2'), at: h.now() })).toBe(200);
    expect(await h.driver.deliverLegacyFavorite({ subscriber: alice, author: alice, tweet: h.xId('tweet:in-3'), at: h.now() })).toBe(200);
    const after = await h.drain();
    expect(delta(before.adapter, after.adapter)).toEqual({ inbound_like: 2, self_like: 2 });
    expect(after.events).toBe(before.events);
  });

  it('signed bodies the hub does not use are 200 and counted: an unused event type, not JSON, not X\'s shape', async () => {
    const before = await h.drain();
    expect(await h.driver.deliver(loadXFixture('follow-create'))).toBe(200);
    expect(await h.driver.deliver(undefined, '{"data": ')).toBe(200);
    expect(await h.driver.deliver({ hello: 'world' })).toBe(200);
    const bad = xaaLikeBody(h.like({ user: 'm-alice', author: 'm-bob', message: 'm-1' }));
    (bad.data as { payload: { timestamp_ms: string } }).payload.timestamp_ms = 'yesterday';
    expect(await h.driver.deliver(bad)).toBe(200);
    const after = await h.drain();
    expect(delta(before.adapter, after.adapter)).toEqual({ unhandled_event: 1, malformed_event: 3 });
    expect(after.events).toBe(before.events);
  });

  describe('connections and subscriptions', () => {
    const cipher = () => createTokenCipher(key);
    const settings = () => ({ apiUrl: h.x.url, clientId: h.x.app.clientId, clientSecret: h.x.app.clientSecret, bearerToken: h.x.app.bearerToken });
    const sync = () => syncXSubscriptions({
      db: db(), tokens: createXAccessTokens({ db: db(), cipher: cipher(), settings: settings(), now: h.now }), settings: settings(),
      webhookUrl: `${h.hub.runtime.config.http.publicUrl}/twitter/webhook`, webhookMode: true, now: h.now, logger: h.hub.runtime.logger,
    });
    /** A supporter who connected X (tokens as the sign-in stores them). */
    async function connect(name: string) {
      const view = await h.supporter(name);
      const id = h.xId(name);
      const [identity] = await db().$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM identities WHERE platform = 'twitter' AND external_id = $1`, id);
      const issued = h.x.issueTokens(id, ['tweet.read', 'users.read', 'like.read', 'offline.access']);
      await saveXGrant(db(), cipher(), identity!.id, { accessToken: issued.access_token, refreshToken: issued.refresh_token, expiresIn: issued.expires_in, scopes: ['like.read'] }, h.now());
      return { xUserId: id, identityId: identity!.id, userId: view.userId };
    }

    it('turning X on creates the like.create outbound subscription with the user\'s token; off deletes it; a failing X call is retried later', async () => {
      const alice = await connect('sub-alice');
      expect(await sync()).toMatchObject({ created: 1, failed: 0 });
      const [subscription] = [...h.x.subscriptions.values()].filter((s) => s.filter.user_id === alice.xUserId);
      expect(subscription).toMatchObject({ event_type: 'like.create', filter: { user_id: alice.xUserId, direction: 'outbound' }, webhook_id: [...h.x.webhooks.keys()][0] });
      expect(await sync()).toMatchObject({ created: 0, deleted: 0 });

      // Off: the setting changes at once, whatever X does; the job deletes the subscription, retrying a refusal.
      await setSupporter(db(), { platform: 'twitter', externalId: alice.xUserId, disable: ['twitter'] });
      h.x.fail(`DELETE /2/activity/subscriptions/${subscription!.subscription_id}`, { status: 503, body: { title: 'Service Unavailable' } });
      expect(await sync()).toMatchObject({ deleted: 0, failed: 1 });
      expect(h.x.subscribedUsers()).toContain(alice.xUserId);
      const [row] = await db().$queryRawUnsafe<{ subscription_error: string; subscription_retry_at: Date }[]>(`SELECT subscription_error, subscription_retry_at FROM x_tokens WHERE identity_id = $1`, alice.identityId);
      expect(row!.subscription_error).toContain('HTTP 503');
      expect(await sync()).toMatchObject({ deleted: 0, failed: 0 }); // not before its retry time
      await db().$executeRawUnsafe(`UPDATE x_tokens SET subscription_retry_at = $2 WHERE identity_id = $1`, alice.identityId, new Date(h.now().getTime() - 1000));
      expect(await sync()).toMatchObject({ deleted: 1, failed: 0 });
      expect(h.x.subscribedUsers()).not.toContain(alice.xUserId);
    });

    it('a revoked grant (oauth.revoke) disconnects the identity and deletes its subscription; its likes made before still count', async () => {
      const carol = await connect('rev-carol');
      await sync();
      expect(h.x.subscribedUsers()).toContain(carol.xUserId);
      const revoke = loadXFixture<{ data: { filter: { user_id: string }; payload: { user_id: string } } }>('oauth-revoke');
      revoke.data.filter.user_id = carol.xUserId;
      revoke.data.payload.user_id = carol.xUserId;
      expect(await h.driver.deliver(revoke)).toBe(200);
      const tokens = createXAccessTokens({ db: db(), cipher: cipher(), settings: settings(), now: h.now });
      expect(await tokens.isXConnected(carol.identityId)).toBe(false);
      expect(await tokens.accessTokenFor(carol.identityId)).toBeUndefined();
      expect(await sync()).toMatchObject({ deleted: 1 });
      expect(h.x.subscribedUsers()).not.toContain(carol.xUserId);
      // A like X delivers late, made before the revoke, is judged by the like rules alone.
      const before = await h.drain();
      expect(await h.driver.deliverXaaLike({ subscriber: carol.xUserId, author: h.xId('rev-bob'), tweet: h.xId('tweet:rev-1'), at: h.now() })).toBe(200);
      expect((await h.drain()).events).toBe(before.events + 1);
    });

    it('the legacy user_event revoke disconnects too', async () => {
      const dan = await connect('rev-dan');
      const revoke = loadXFixture<{ user_event: { revoke: { source: { user_id: string } } } }>('user-event-revoke');
      revoke.user_event.revoke.source.user_id = dan.xUserId;
      expect(await h.driver.deliver(revoke)).toBe(200);
      const [row] = await db().$queryRawUnsafe<{ disconnect_reason: string }[]>(`SELECT disconnect_reason FROM x_tokens WHERE identity_id = $1`, dan.identityId);
      expect(row).toEqual({ disconnect_reason: 'oauth_revoke_event' });
    });

    it('a webhook X refuses is said in one line, with X\'s reason', async () => {
      h.x.refuseWebhookRegistration('Webhook URL must use https');
      await expect(registerXWebhook(settings(), 'http://127.0.0.1:1/twitter/webhook')).rejects.toThrow(XWebhookError);
      await expect(registerXWebhook(settings(), 'http://127.0.0.1:1/twitter/webhook')).rejects.toThrow(/^X refused the webhook http:\/\/127\.0\.0\.1:1\/twitter\/webhook: HTTP 400: Webhook URL must use https$/);
      h.x.refuseWebhookRegistration(undefined);
      // Registering the hub's own URL again changes nothing.
      expect((await registerXWebhook(settings(), `${h.hub.runtime.config.http.publicUrl}/twitter/webhook`)).outcome).toBe('already_registered');
    });
  });

  it('flattr x webhook register registers the URL by hand, and says X\'s refusal in one line (exit 1)', async () => {
    const config = h.hub.runtime.config;
    const env = {
      DATABASE_URL: h.database.url!, REDIS_URL: config.redis.url!, QUEUE_PREFIX: config.redis.queuePrefix, DATA_DIR: config.dataDir, PUBLIC_URL: config.http.publicUrl,
      TWITTER_CLIENT_ID: h.x.app.clientId, TWITTER_CLIENT_SECRET: h.x.app.clientSecret, TWITTER_CONSUMER_SECRET: h.x.app.consumerSecret,
      TWITTER_BEARER_TOKEN: h.x.app.bearerToken, TWITTER_API_URL: h.x.url,
    };
    h.x.webhooks.clear();
    const registered = await runCli(['x', 'webhook', 'register'], env);
    expect(registered).toMatchObject({ code: 0, stderr: '' });
    expect(registered.stdout).toMatch(new RegExp(`^registered: ${config.http.publicUrl}/twitter/webhook \\(webhook \\d+\\)\\n$`));
    expect([...h.x.webhooks.values()].map((w) => w.url)).toEqual([`${config.http.publicUrl}/twitter/webhook`]);
    h.x.webhooks.clear();
    h.x.refuseWebhookRegistration('Webhook URL must use https');
    const refused = await runCli(['x', 'webhook', 'register'], env);
    h.x.refuseWebhookRegistration(undefined);
    expect(refused).toEqual({ code: 1, stdout: '', stderr: `flattr: X refused the webhook ${config.http.publicUrl}/twitter/webhook: HTTP 400: Webhook URL must use https\n` });
    expect((await runCli(['x', 'webhook', 'register'], env)).code).toBe(0);
  });

  it('the hub runs the subscription job on its schedule (x-subscriptions)', async () => {
    const { Queue } = await import('bullmq');
    const config = h.hub.runtime.config;
    const queue = new Queue('x-subscriptions', { connection: { url: config.redis.url! }, prefix: config.redis.queuePrefix });
    try {
      expect(await queue.getJobScheduler('x-subscriptions-sync')).toMatchObject({ every: 30_000 });
    } finally {
      await queue.close();
    }
  });
});

// The legacy body's shape is the fixture's; keep the builder honest about it.
describe('X webhook fixtures', () => {
  it('build bodies in the documented shapes', () => {
    const legacy = legacyFavoriteBody({ subscriber: '1', author: '2', tweet: '3', at: new Date(0) }) as { favorite_events: { favorited_status: { user: { id_str: string } } }[] };
    expect(legacy.favorite_events[0]!.favorited_status.user.id_str).toBe('2');
  });
});
