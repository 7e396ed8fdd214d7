import type { Db } from '../../../src/db/database.js';
import { createLogger } from '../../../src/support/logger.js';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { creditWallet } from '../../../src/wallet/credit-wallet.js';
import { settleInProcess } from '../../../workers/settle-in-process.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';

export const PERIOD = '2026-10';
/** After PERIOD and its grace: settling is allowed. */
export const AFTER = new Date('2026-11-02T00:00:00Z');

/** A flattr as a test writes it: who (platform external ids), where, and which channel. */
export type FlattrSpec = { platform: 'slack' | 'discord'; supporter: string; creator: string; community: string; channel: string; item: string };

/** A supporter through the real use case (setSupporter), funded through creditWallet. */
export async function addSupporter(db: Db, platform: 'slack' | 'discord', externalId: string, o: { budget?: string; wallet?: string; locale?: 'en' | 'fr'; currency?: string } = {}) {
  await setSupporter(db, { platform, externalId, budget: o.budget ?? '10.00', currency: o.currency, enable: [platform], locale: o.locale });
  if (o.wallet !== '0') await creditWallet(db, { platform, externalId, amount: o.wallet ?? o.budget ?? '10.00', idempotencyKey: `fund-${platform}-${externalId}` });
}

/**
 * Flattrs written directly (the ingest's own tests cover how likes become
 * them): the recipient identity is made unclaimed when it does not exist.
 */
export async function addFlattrs(db: Db, flattrs: FlattrSpec[], period = PERIOD): Promise<void> {
  for (const f of flattrs) {
    await db.$executeRawUnsafe(`INSERT INTO identities (platform, external_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, f.platform, f.creator);
    await db.$executeRawUnsafe(
      `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, community, channel, period, occurred_at, status, source_event_id)
       SELECT s.user_id, r.id, $1, $4, $5, $6, $7, '2026-10-15T12:00:00Z', 'active', $4
         FROM identities s, identities r WHERE s.platform = $1 AND s.external_id = $2 AND r.platform = $1 AND r.external_id = $3`,
      f.platform, f.supporter, f.creator, f.item, f.community, f.channel, period,
    );
  }
}

/** Settles a period with the real settle worker in this process, on its own queue prefix. */
export async function settle(db: Db, period = PERIOD, now = AFTER): Promise<void> {
  await settleInProcess({
    db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix: randomQueuePrefix(),
    settings: { feeBps: 1000, policy: 'keep', batchSize: 100, timeZone: 'UTC', graceMinutes: 0 },
    concurrency: 1, logger: createLogger('silent'), now: () => now,
  }, period, { intervalMs: 10 });
}
