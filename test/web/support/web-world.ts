import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../../src/config.js';
import type { Platform } from '../../../src/domain/like-event.js';
import { ensureAccounts } from '../../../src/ledger/accounts.js';
import { postTransfer } from '../../../src/ledger/post-transfer.js';
import { createLogger, type Logger } from '../../../src/support/logger.js';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { creditWallet } from '../../../src/wallet/credit-wallet.js';
import { resolveOrCreateUser } from '../../../src/supporters/resolve-user.js';
import { createLoginLink } from '../../../src/web/login-links.js';
import { mountWeb, type WebDeps } from '../../../src/web/mount-web.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';
import { Browser, type Send } from './browser.js';

export const PUBLIC_URL = 'http://hub.test';

export type WebWorld = Awaited<ReturnType<typeof createWebWorld>>;

/**
 * The web routes on a server of their own (fastify inject, no port), on a
 * fresh PostgreSQL database and real Redis under a fresh prefix, with a
 * clock the test moves. `env` adds configuration (the platforms' OAuth).
 */
export async function createWebWorld(o: { env?: Record<string, string>; signInLimit?: WebDeps['signInLimit']; logger?: Logger } = {}) {
  const database: TestDatabase = await createPostgresDatabase();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  const config: Config = loadConfig({ DATABASE_URL: database.url, QUEUE_PREFIX: randomQueuePrefix(), PUBLIC_URL, LOG_LEVEL: 'silent', ...o.env });
  const clock = { now: new Date('2026-11-10T12:00:00Z') };
  const logger = o.logger ?? createLogger('silent');
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  const sessionSecret = randomBytes(32).toString('base64url');
  await mountWeb(app, { config, db: database.prisma, redis, sessionSecret, logger, now: () => clock.now, signInLimit: o.signInLimit });
  await app.ready();
  let ip = 0;
  const nextIp = () => `10.1.${Math.floor(++ip / 250)}.${ip % 250}`;
  const send: Send = async ({ method, url, headers, body }) => {
    const { 'x-test-ip': remoteAddress = '10.0.0.1', ...rest } = headers;
    const res = await app.inject({ method: method as 'GET', url, headers: rest, payload: body, remoteAddress });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  };
  return {
    app, db: database.prisma, config, clock, sessionSecret,
    /** A browser of its own address, so the sign-in limit (10 a minute per IP) counts each test's browsers apart. */
    browser: (language?: string, ip = nextIp()) => new Browser(send, language, ip),
    /** A fresh client address, for tests of per-IP limits. */
    nextIp,
    advance: (ms: number) => { clock.now = new Date(clock.now.getTime() + ms); },
    /** A user behind this identity (made and claimed if needed), and a fresh sign-in link path for them. */
    async userWithLink(platform: Platform, externalId: string) {
      const { userId } = await database.prisma.$transaction((tx) => resolveOrCreateUser(tx, platform, externalId));
      const link = await createLoginLink(database.prisma, userId, PUBLIC_URL, clock.now);
      return { userId, path: new URL(link.url).pathname };
    },
    async signedIn(platform: Platform, externalId: string, language?: string) {
      const { userId, path } = await this.userWithLink(platform, externalId);
      const browser = new Browser(send, language, nextIp());
      const res = await browser.get(path);
      if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${res.body}`);
      return { userId, browser };
    },
    /** A supporter with a budget and this much in the wallet (minor units). */
    async supporter(platform: Platform, externalId: string, walletMinor: bigint) {
      const view = await setSupporter(database.prisma, { platform, externalId, budget: '35.00', enable: [platform] });
      if (walletMinor > 0n) await creditWallet(database.prisma, { platform, externalId, amount: `${walletMinor / 100n}.${String(walletMinor % 100n).padStart(2, '0')}` });
      return view.userId;
    },
    /** Escrow held for an unclaimed identity (made if needed), paid from a supporter's wallet as a settlement would. */
    async escrow(platform: Platform, externalId: string, minor: bigint, payer = 'T9:U9PAYER') {
      const payerId = await this.supporter('slack', payer, minor);
      await database.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO identities (platform, external_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, platform, externalId);
        const [identity] = await tx.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM identities WHERE platform = $1 AND external_id = $2`, platform, externalId);
        const [wallet, escrow] = await ensureAccounts(tx, [{ kind: 'wallet', userId: payerId, currency: 'EUR' }, { kind: 'escrow', identityId: identity!.id, currency: 'EUR' }]);
        await postTransfer(tx, {
          kind: 'settlement', idempotencyKey: `test-escrow:${randomBytes(6).toString('hex')}`, period: '2026-10',
          entries: [{ accountId: wallet!, currency: 'EUR', amount: -minor }, { accountId: escrow!, currency: 'EUR', amount: minor, payerUserId: payerId }],
        });
      });
    },
    async count(table: string): Promise<number> {
      const [row] = await database.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
      return row!.n;
    },
    async close() {
      await app.close();
      redis.disconnect();
      await database.drop();
    },
  };
}
