import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { expect } from 'vitest';
import type { Config } from '../../../src/config.js';
import { loadConfig } from '../../../src/config.js';
import { accountBalance } from '../../../src/ledger/balance.js';
import { verifyLedger } from '../../../src/ledger/verify-ledger.js';
import { createStripe } from '../../../src/payments/stripe-client.js';
import { createTopup, type TopupRequest } from '../../../src/payments/topups/create-topup.js';
import { mountStripeWebhook } from '../../../src/payments/webhook/stripe-webhook-route.js';
import { createLogger } from '../../../src/support/logger.js';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { recordLikes } from '../../../src/ingest/record-likes.js';
import { settlementSettings } from '../../../src/settlement/settings-from-config.js';
import { settleInProcess } from '../../../workers/settle-in-process.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';
import { startFakeStripe, type StripeObject } from '../../fakes/stripe/server.js';
import { createStripeWebhookDriver } from '../../fakes/stripe/webhook-driver.js';

export type PaymentsWorld = Awaited<ReturnType<typeof createPaymentsWorld>>;

/** Fast retries for tests: the same idempotency key, milliseconds apart. */
export const TEST_RETRY = { attempts: 5, baseDelayMs: 5, maxDelayMs: 20 };

/**
 * A fresh PostgreSQL database, the fake Stripe, the real stripe client
 * pointed at it through STRIPE_API_URL, and POST /stripe/webhook on a
 * fastify server of its own (inject), on a clock the test moves.
 */
export async function createPaymentsWorld() {
  const database: TestDatabase = await createPostgresDatabase();
  const fake = await startFakeStripe();
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const config: Config = loadConfig({
    DATABASE_URL: database.url, PUBLIC_URL: 'http://hub.test', LOG_LEVEL: 'silent', QUEUE_PREFIX: randomQueuePrefix(),
    STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: fake.url,
  });
  const stripe = createStripe(config.stripe!);
  const clock = { now: new Date('2026-11-10T12:00:00Z') };
  let likeNo = 0;
  const app = Fastify({ loggerInstance: createLogger('silent') as FastifyBaseLogger });
  mountStripeWebhook(app, { db: database.prisma, stripe, webhookSecret, logger: createLogger('silent'), now: () => clock.now });
  await app.ready();
  const webhooks = createStripeWebhookDriver({
    secret: webhookSecret, now: () => clock.now.getTime(),
    post: async (body, headers) => {
      const res = await app.inject({ method: 'POST', url: '/stripe/webhook', payload: body, headers });
      return { status: res.statusCode, body: res.body };
    },
  });
  const db = database.prisma;

  return {
    db, fake, stripe, config, clock, webhooks, webhookSecret, app,
    async supporter(externalId: string, currency = 'EUR', budget = '35.00') {
      const view = await setSupporter(db, { platform: 'slack', externalId, budget, currency, enable: ['slack'] });
      return view.userId;
    },
    /** A star on a creator's message, through the real ingest path; its outcome. */
    async like(liker: string, author = 'T1:UCREATOR', at = new Date(clock.now.getTime() - 60_000)) {
      likeNo += 1;
      const [outcome] = await recordLikes(db, [{
        platform: 'slack', eventId: `Ev${likeNo}-${randomBytes(4).toString('hex')}`, action: 'like', liker, author,
        item: `T1:C1:${likeNo}.000100`, community: 'T1', reaction: 'star', occurredAt: at.toISOString(),
      }], { timeZone: 'UTC', now: () => clock.now });
      return outcome!;
    },
    /** Settles a closed period for real (the settle worker in this process). */
    settle(period: string) {
      return settleInProcess({
        db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix: config.redis.queuePrefix,
        settings: settlementSettings(config), concurrency: 1, logger: createLogger('silent'), now: () => clock.now,
      }, period);
    },
    topup(userId: number, amount: string, extra: Partial<TopupRequest> = {}) {
      return createTopup(db, stripe, { userId, amount, requestKey: `test:${randomUUID()}`, publicUrl: 'http://hub.test', retry: TEST_RETRY, ...extra });
    },
    /** The supporter pays on Stripe's page: the session's completed event. */
    pay(url: string): StripeObject {
      const sessionId = url.split('/').pop()!;
      return fake.payCheckoutSession(sessionId);
    },
    async balance(userId: number, kind: 'wallet' | 'receivable' = 'wallet', currency = 'EUR'): Promise<bigint> {
      const [row] = await db.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM accounts WHERE kind = $1 AND user_id = $2 AND currency = $3`, kind, userId, currency);
      return row ? accountBalance(db, row.id) : 0n;
    },
    async counts() {
      const [row] = await db.$queryRawUnsafe<{ transfers: bigint; entries: bigint; events: bigint; topups: bigint }[]>(
        `SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM entries) AS entries,
                (SELECT count(*) FROM stripe_events) AS events, (SELECT count(*) FROM topup_sessions) AS topups`,
      );
      return row!;
    },
    async expectLedgerOk() {
      expect(await verifyLedger(db)).toMatchObject({ ok: true });
    },
    async close() {
      await app.close();
      await fake.close();
      await database.drop();
    },
  };
}
