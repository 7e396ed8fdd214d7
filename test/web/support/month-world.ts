import type { Db } from '../../../src/db/database.js';
import { createLogger } from '../../../src/support/logger.js';
import { settleInProcess } from '../../../workers/settle-in-process.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';

/** The web world's month (its clock starts on 2026-11-10) and a time after it and its grace, when it may be settled. */
export const MONTH = '2026-11';
export const AFTER_MONTH = new Date('2026-12-02T00:00:00Z');

export type FlattrSpec = { creator: string; item: string; community?: string; occurredAt?: string; claimedBy?: number };

/**
 * Active flattrs written directly (the ingest's own tests cover how likes
 * become them), each to a Slack identity made (unclaimed) when missing.
 * Returns their ids in the order given.
 */
export async function addFlattrs(db: Db, supporterId: number, flattrs: FlattrSpec[], period = MONTH): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const f of flattrs) {
    await db.$executeRawUnsafe(`INSERT INTO identities (platform, external_id) VALUES ('slack', $1) ON CONFLICT DO NOTHING`, f.creator);
    const [row] = await db.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, community, channel, period, occurred_at, status, source_event_id)
       SELECT $1, r.id, 'slack', $3, $4, split_part($3, ':', 2), $5, $6::timestamptz, 'active', 'ev-' || $3
         FROM identities r WHERE r.platform = 'slack' AND r.external_id = $2
       RETURNING id`,
      supporterId, f.creator, f.item, f.community ?? f.item.split(':')[0], period, f.occurredAt ?? '2026-11-05T10:00:00Z',
    );
    ids.push(row!.id);
  }
  return ids;
}

/** `count` flattrs at once (paging, the bench's shape), to `recipients` unclaimed creators in turn, newest id liked last. */
export async function addManyFlattrs(db: Db, supporterId: number, count: number, recipients = 7, period = MONTH): Promise<void> {
  await db.$executeRawUnsafe(`INSERT INTO identities (platform, external_id) SELECT 'slack', 'T7:UMANY' || g FROM generate_series(1, $1::int) g ON CONFLICT DO NOTHING`, recipients);
  await db.$executeRawUnsafe(
    `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, community, channel, period, occurred_at, status, source_event_id)
     SELECT $1::int, r.id, 'slack', 'T7:C1:' || $1::int || '.' || g, 'T7', 'C1', $3, timestamptz '2026-11-01T00:00:00Z' + g * interval '1 minute', 'active', 'many-' || $1::int || '-' || g
       FROM generate_series(1, $2::int) g JOIN identities r ON r.platform = 'slack' AND r.external_id = 'T7:UMANY' || (1 + g % $4::int)`,
    supporterId, count, period, recipients,
  );
}

/** Settles a period with the real settle worker in this process, on a queue prefix of its own. */
export async function settle(db: Db, period = MONTH, now = AFTER_MONTH): Promise<void> {
  await settleInProcess({
    db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix: randomQueuePrefix(),
    settings: { feeBps: 1000, policy: 'keep', batchSize: 100, timeZone: 'UTC', graceMinutes: 0 },
    concurrency: 1, logger: createLogger('silent'), now: () => now,
  }, period, { intervalMs: 10 });
}

/** What the settlement gave each of a supporter's flattrs, by flattr id (supporter_settlements keeps the split as arrays). */
export async function settledShares(db: Db, supporterId: number, period = MONTH): Promise<{ charged: bigint; fee: bigint; shares: Map<string, bigint> }> {
  const [row] = await db.$queryRawUnsafe<{ charged: bigint; fee: bigint; flattr_ids: bigint[]; shares: bigint[] }[]>(
    `SELECT charged, fee, flattr_ids, shares FROM supporter_settlements WHERE supporter_id = $1 AND period = $2`, supporterId, period,
  );
  if (!row) throw new Error(`supporter ${supporterId} was not settled in ${period}`);
  return { charged: row.charged, fee: row.fee, shares: new Map(row.flattr_ids.map((id, i) => [String(id), row.shares[i]!])) };
}
