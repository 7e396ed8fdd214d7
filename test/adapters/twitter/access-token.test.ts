import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXAccessTokens } from '../../../adapters/twitter/access-token.js';
import { disconnectX } from '../../../adapters/twitter/disconnect.js';
import { saveXGrant } from '../../../adapters/twitter/token-store.js';
import { createTokenCipher } from '../../../src/support/token-cipher.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { startFakeX, type FakeX } from '../../fakes/twitter/server.js';

const SCOPES = ['tweet.read', 'users.read', 'like.read', 'offline.access'];

describe('X access tokens: refreshed before expiry, one refresh at a time, a revoked grant disconnects', () => {
  let database: TestDatabase;
  let x: FakeX;
  const cipher = createTokenCipher(randomBytes(32).toString('base64'));
  let clock = new Date('2026-11-05T10:00:00Z');
  let identity = 0;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    x = await startFakeX({ now: () => clock.getTime() });
  });
  afterAll(async () => {
    await x?.close();
    await database?.drop();
  });

  const settings = () => ({ apiUrl: x.url, clientId: x.app.clientId, clientSecret: x.app.clientSecret });
  /** An X identity connected with tokens the fake issued, as the sign-in stores them. */
  async function connected(xUserId: string) {
    const [row] = await database.prisma.$queryRawUnsafe<{ id: number }[]>(
      `INSERT INTO identities (platform, external_id) VALUES ('twitter', $1) RETURNING id`, xUserId,
    );
    const issued = x.issueTokens(xUserId, SCOPES);
    await saveXGrant(database.prisma, cipher, row!.id, { accessToken: issued.access_token, refreshToken: issued.refresh_token, expiresIn: issued.expires_in, scopes: SCOPES }, clock);
    identity = row!.id;
    return { id: row!.id, issued };
  }
  const tokens = (onDisconnected?: (id: number) => void) => createXAccessTokens({ db: database.prisma, cipher, settings: settings(), now: () => clock, onDisconnected });
  const me = async (token: string | undefined) => {
    const response = await fetch(`${x.url}/2/users/me`, { headers: { authorization: `Bearer ${token}` } });
    return response.status;
  };

  it('hands out the stored token while it is fresh, encrypted at rest, without calling X', async () => {
    const { id, issued } = await connected('1600000000000000001');
    const before = x.calls('POST', '/2/oauth2/token').length;
    expect(await tokens().accessTokenFor(id)).toBe(issued.access_token);
    expect(x.calls('POST', '/2/oauth2/token')).toHaveLength(before);
    const [stored] = await database.prisma.$queryRawUnsafe<{ access_token: Uint8Array; refresh_token: Uint8Array }[]>(`SELECT access_token, refresh_token FROM x_tokens WHERE identity_id = $1`, id);
    expect(Buffer.from(stored!.access_token).toString('utf8')).not.toContain(issued.access_token);
    expect(Buffer.from(stored!.refresh_token).toString('utf8')).not.toContain(issued.refresh_token!);
  });

  it('two concurrent refreshes spend the refresh token once; the second uses the first\'s result and the stored token stays valid', async () => {
    const { id, issued } = await connected('1600000000000000002');
    clock = new Date(clock.getTime() + 2 * 3600_000 - 60_000); // a minute before X's expiry: inside the refresh margin
    const source = tokens();
    const before = x.calls('POST', '/2/oauth2/token').length;
    const [a, b] = await Promise.all([source.accessTokenFor(id), createXAccessTokens({ db: database.prisma, cipher, settings: settings(), now: () => clock }).accessTokenFor(id)]);
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(a).not.toBe(issued.access_token);
    const refreshes = x.calls('POST', '/2/oauth2/token').slice(before);
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.body?.grant_type).toBe('refresh_token');
    expect(x.refreshTokens.get(issued.refresh_token!)?.spent).toBe(true);
    expect(await me(a)).toBe(200);

    // The stored refresh token is the new, unspent one: the next refresh works.
    clock = new Date(clock.getTime() + 2 * 3600_000);
    const next = await source.accessTokenFor(id);
    expect(next).toBeDefined();
    expect(next).not.toBe(a);
    expect(await me(next)).toBe(200);
    expect(await source.isXConnected(id)).toBe(true);
  });

  it('holds nothing of the database while X answers a refresh: the row stays writable, and a second caller waits for the first one\'s token', async () => {
    const { id, issued } = await connected('1600000000000000006');
    clock = new Date(clock.getTime() + 3 * 3600_000);
    const before = x.calls('POST', '/2/oauth2/token').length;
    x.slowDown('POST /2/oauth2/token', 1_500);
    const first = tokens().accessTokenFor(id);
    await expect.poll(() => x.calls('POST', '/2/oauth2/token').length, { interval: 20 }).toBe(before + 1);
    // X is answering: a write to the same row must not wait for it (a row lock held through the call made it wait up to 30 s).
    const started = performance.now();
    await database.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '300ms'`);
      await tx.$executeRawUnsafe(`UPDATE x_tokens SET subscription_attempts = subscription_attempts WHERE identity_id = $1`, id);
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    const second = tokens().accessTokenFor(id);
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(a).not.toBe(issued.access_token);
    expect(x.calls('POST', '/2/oauth2/token')).toHaveLength(before + 1);
    expect(await me(a)).toBe(200);
    const [row] = await database.prisma.$queryRawUnsafe<{ refresh_lease_until: Date | null }[]>(`SELECT refresh_lease_until FROM x_tokens WHERE identity_id = $1`, id);
    expect(row!.refresh_lease_until).toBeNull();
  });

  it('a refresh X refuses (grant revoked) marks the identity disconnected, erases its tokens, and tells the hub once', async () => {
    const { id } = await connected('1600000000000000003');
    x.revokeUser('1600000000000000003');
    clock = new Date(clock.getTime() + 3 * 3600_000);
    const disconnected: number[] = [];
    const source = tokens((i) => disconnected.push(i));
    expect(await source.accessTokenFor(id)).toBeUndefined();
    expect(await source.accessTokenFor(id)).toBeUndefined();
    expect(disconnected).toEqual([id]);
    expect(await source.isXConnected(id)).toBe(false);
    const [row] = await database.prisma.$queryRawUnsafe<{ access_token: unknown; refresh_token: unknown; disconnect_reason: string }[]>(
      `SELECT access_token, refresh_token, disconnect_reason FROM x_tokens WHERE identity_id = $1`, id,
    );
    expect(row).toEqual({ access_token: null, refresh_token: null, disconnect_reason: 'revoked' });
  });

  it('an X outage during a refresh keeps the grant and says to try later', async () => {
    const { id } = await connected('1600000000000000004');
    clock = new Date(clock.getTime() + 3 * 3600_000);
    x.fail('POST /2/oauth2/token', { status: 503, body: { title: 'Service Unavailable' } });
    await expect(tokens().accessTokenFor(id)).rejects.toThrow(/unavailable: HTTP 503/);
    expect(await tokens().isXConnected(id)).toBe(true);
    const token = await tokens().accessTokenFor(id);
    expect(await me(token)).toBe(200);
  });

  it('a user who disconnects X: the grant is revoked at X and erased here, the identity reads disconnected', async () => {
    const { id, issued } = await connected('1600000000000000005');
    const done = await disconnectX({ db: database.prisma, cipher, settings: settings(), now: () => clock }, id);
    expect(done).toBe(true);
    expect(x.calls('POST', '/2/oauth2/revoke').at(-1)!.body).toMatchObject({ token: issued.refresh_token, token_type_hint: 'refresh_token' });
    expect(await me(issued.access_token)).toBe(401);
    expect(await tokens().isXConnected(id)).toBe(false);
    expect(await tokens().accessTokenFor(id)).toBeUndefined();
    expect(await disconnectX({ db: database.prisma, cipher, settings: settings(), now: () => clock }, id)).toBe(false);
  });

  it('an unknown identity has no token', async () => {
    expect(await tokens().accessTokenFor(identity + 1000)).toBeUndefined();
  });
});
