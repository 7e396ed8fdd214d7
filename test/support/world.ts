import type { Db } from '../../src/db/database.js';
import type { LikeEvent } from '../../src/domain/like-event.js';
import { setSupporter, type SupporterChange } from '../../src/supporters/set-supporter.js';

let counter = 0;

/** A like event with sensible defaults; every call gets a fresh eventId. */
export function likeEvent(overrides: Partial<LikeEvent> = {}): LikeEvent {
  counter++;
  return {
    platform: 'slack', eventId: `Ev${process.pid}-${counter}`, action: 'like', liker: 'T1:U1', author: 'T1:U2',
    item: 'T1:C1:1700000000.000100', community: 'T1', reaction: 'star', occurredAt: '2026-11-10T12:00:00.000Z',
    ...overrides,
  };
}

export async function supporter(db: Db, platform: string, externalId: string, change: Partial<SupporterChange> = {}) {
  return setSupporter(db, { platform, externalId, budget: '35.00', enable: [platform], ...change });
}

export type FlattrRow = { supporter_id: number; item: string; period: string; status: string; recipient: string; claimed: boolean };

export async function flattrs(db: Db): Promise<FlattrRow[]> {
  return db.$queryRawUnsafe<FlattrRow[]>(
    `SELECT f.supporter_id, f.item, trim(f.period) AS period, f.status, i.external_id AS recipient, i.user_id IS NOT NULL AS claimed
       FROM flattrs f JOIN identities i ON i.id = f.recipient_identity_id ORDER BY f.item, f.period`,
  );
}
