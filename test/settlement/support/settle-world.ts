import type { Db } from '../../../src/db/database.js';
import { ensureAccounts } from '../../../src/ledger/accounts.js';
import { postTransfer } from '../../../src/ledger/post-transfer.js';
import { Queue } from 'bullmq';
import type { SettlementSettings } from '../../../src/settlement/open-run.js';
import type { StageHook } from '../../../src/settlement/settlement-stages.js';
import type { SettlementOutcome } from '../../../src/settlement/wait-for-settlement.js';
import { QUEUES } from '../../../src/queues.js';
import { createLogger, type Logger } from '../../../src/support/logger.js';
import type { Metrics } from '../../../src/support/metrics.js';
import { settleInProcess } from '../../../workers/settle-in-process.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** A small world for settlement tests, built by plain SQL so ids are the same on every build. */
export type WorldSpec = {
  supporters: { currency: string; budget: bigint; wallet: bigint; active?: boolean; flattrs: { recipient: number; active: boolean }[] }[];
  /** Recipient identities; `claimed` gives the identity a user (a creator). */
  recipients: { claimed: boolean }[];
};

/** 13 supporters (three currencies, empty wallets, no flattrs, revoked ones), claimed and unclaimed recipients. */
export const MIXED_WORLD: WorldSpec = {
  recipients: [{ claimed: true }, { claimed: false }, { claimed: false }, { claimed: true }],
  supporters: Array.from({ length: 13 }, (_, i) => ({
    currency: ['EUR', 'USD', 'JPY'][i % 3]!,
    budget: BigInt(100 + i * 337),
    wallet: i % 5 === 4 ? 0n : BigInt(50 + i * 401),
    flattrs: Array.from({ length: i % 6 }, (_, j) => ({ recipient: i + j, active: (i + j) % 7 !== 3 })),
  })),
};

export const PERIOD = '2026-10';
/** Well after the end of PERIOD plus any grace. */
export const NOW = new Date('2026-12-01T00:00:00Z');
export const settings = (over: Partial<SettlementSettings> = {}): SettlementSettings => ({
  feeBps: 1000, policy: 'keep', batchSize: 3, timeZone: 'UTC', graceMinutes: 60, ...over,
});

export const RESET_SQL = `TRUNCATE users, identities, supporter_settings, flattrs, settlement_runs, settlement_supporters, settlement_recipients,
  supporter_settlements, accounts, transfers, entries RESTART IDENTITY CASCADE`;

export type BuiltWorld = { supporterIds: number[]; recipientIds: number[]; creatorIds: (number | null)[] };

export async function buildWorld(db: Db, spec: WorldSpec): Promise<BuiltWorld> {
  const recipientIds: number[] = [];
  const creatorIds: (number | null)[] = [];
  for (const [i, r] of spec.recipients.entries()) {
    let userId: number | null = null;
    if (r.claimed) userId = (await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO users DEFAULT VALUES RETURNING id`))[0]!.id;
    const [row] = await db.$queryRawUnsafe<{ id: number }[]>(
      `INSERT INTO identities (platform, external_id, user_id) VALUES ('slack', $1, $2) RETURNING id`, `T1:R${i}`, userId);
    recipientIds.push(row!.id);
    creatorIds.push(userId);
  }
  const supporterIds: number[] = [];
  for (const [i, s] of spec.supporters.entries()) {
    const [user] = await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO users (currency) VALUES ($1) RETURNING id`, s.currency);
    const id = user!.id;
    supporterIds.push(id);
    await db.$executeRawUnsafe(`INSERT INTO identities (platform, external_id, user_id) VALUES ('slack', $1, $2)`, `T1:S${i}`, id);
    await db.$executeRawUnsafe(`INSERT INTO supporter_settings (user_id, budget_minor, active, platforms) VALUES ($1, $2, $3, '{slack}')`, id, s.budget, s.active ?? true);
    if (s.wallet > 0n) await fundWallet(db, id, s.currency, s.wallet, `fund-${i}`);
    for (const [j, f] of s.flattrs.entries()) {
      await db.$executeRawUnsafe(
        `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, period, occurred_at, status, source_event_id)
         VALUES ($1, $2, 'slack', $3, $4, '2026-10-15T12:00:00Z', $5, $3)`,
        id, recipientIds[f.recipient % recipientIds.length]!, `T1:C1:${i}.${j}`, PERIOD, f.active ? 'active' : 'revoked');
    }
  }
  return { supporterIds, recipientIds, creatorIds };
}

/**
 * A describe block's own PostgreSQL database, reset to `spec` before each
 * test (and settled with `settle` when given). `reset` does it again on demand.
 */
export function useSettleWorld(spec: WorldSpec, options: { settle?: SettlementSettings } = {}) {
  let database: TestDatabase | undefined;
  let world: BuiltWorld | undefined;
  const db = () => database!.prisma;
  const reset = async () => {
    await db().$executeRawUnsafe(RESET_SQL);
    world = await buildWorld(db(), spec);
    if (options.settle) await settlePeriod(db(), PERIOD, options.settle);
  };
  beforeAll(async () => { database = await createPostgresDatabase(); });
  afterAll(async () => { await database?.drop(); });
  beforeEach(reset);
  return { db, reset, world: () => world!, url: () => database!.url! };
}

export const TEST_CONNECTION = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };

export type SettleOptions = {
  onStage?: StageHook;
  now?: Date;
  /** Batches settled at once by the worker (its concurrency); 1 by default. */
  concurrency?: number;
  concurrentOpen?: boolean;
  /** A queue prefix to keep (a second settle resuming the first's failed job); by default a fresh one, obliterated after. */
  prefix?: string;
  logger?: Logger;
  metrics?: Pick<Metrics, 'ledgerOk'>;
  lockMs?: number;
};

/**
 * Settles a period the way production does: the real settle worker on Redis,
 * in this process (settleInProcess), with the stages' hooks for crash injection.
 */
export async function settlePeriod(db: Db, period: string, settings: SettlementSettings, options: SettleOptions = {}): Promise<SettlementOutcome> {
  const prefix = options.prefix ?? randomQueuePrefix();
  try {
    return await settleInProcess({
      db, connection: TEST_CONNECTION, prefix, settings, concurrency: options.concurrency ?? 1, concurrentOpen: options.concurrentOpen,
      lockMs: options.lockMs, logger: options.logger ?? createLogger('silent'), metrics: options.metrics, onStage: options.onStage,
      now: () => options.now ?? NOW,
    }, period, { intervalMs: 10 });
  } finally {
    if (!options.prefix) await obliterate(prefix);
  }
}

/** Removes every settle job under a prefix (tests' queues are their own). */
export async function obliterate(prefix: string): Promise<void> {
  const queue = new Queue(QUEUES.settle, { connection: TEST_CONNECTION, prefix });
  try { await queue.obliterate({ force: true }); } finally { await queue.close(); }
}

export async function fundWallet(db: Db, userId: number, currency: string, amount: bigint, key: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const [external, wallet] = await ensureAccounts(tx, [{ kind: 'external', currency }, { kind: 'wallet', userId, currency }]);
    await postTransfer(tx, { kind: 'funding', idempotencyKey: key, entries: [
      { accountId: external!, currency, amount: -amount }, { accountId: wallet!, currency, amount },
    ] });
  });
}

/**
 * The ledger and settlement records with every generated id (account,
 * transfer, entry) replaced by what it stands for, so two runs that took
 * different paths (crashes, retries, batch sizes) can be compared exactly.
 */
export async function ledgerFingerprint(db: Db) {
  const [balances, transfers, settlements, shares] = await Promise.all([
    db.$queryRawUnsafe(
      `SELECT a.kind, a.user_id, a.identity_id, a.currency, e.payer_user_id, sum(e.amount)::int8 AS balance, count(*)::int AS entries
         FROM accounts a JOIN entries e ON e.account_id = a.id GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`),
    db.$queryRawUnsafe(
      `SELECT t.kind, t.idempotency_key, trim(t.period) AS period,
              array_agg(a.kind || '/' || coalesce(a.user_id::text, '-') || '/' || coalesce(a.identity_id::text, '-') || '/' || e.currency
                        || '/' || coalesce(e.payer_user_id::text, '-') || '=' || e.amount ORDER BY a.kind, a.user_id, a.identity_id, e.payer_user_id, e.amount) AS entries
         FROM transfers t JOIN entries e ON e.transfer_id = t.id JOIN accounts a ON a.id = e.account_id
        GROUP BY t.id ORDER BY t.idempotency_key`),
    db.$queryRawUnsafe(
      `SELECT supporter_id, trim(period) AS period, currency, budget, charged, fee, flattrs, transfer_id IS NOT NULL AS has_transfer
         FROM supporter_settlements ORDER BY period, supporter_id`),
    db.$queryRawUnsafe(
      `SELECT u.flattr_id, trim(s.period) AS period, s.supporter_id, u.amount, u.escrowed FROM supporter_settlements s
        CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares, s.escrowed) AS u(flattr_id, amount, escrowed) ORDER BY u.flattr_id`),
  ]);
  return { balances, transfers, settlements, shares };
}
