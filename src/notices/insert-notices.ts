import type { Tx } from '../db/database.js';
import type { NewNotice, NewReminder } from './notice-row.js';

/** Rows per statement: 20,000 statements are a few round trips, not 20,000. */
const CHUNK = 2_000;

/**
 * Writes derived notices as outbox rows, once: the key (kind, period,
 * target, part) makes a second write of the same notice a no-op (INSERT …
 * ON CONFLICT DO NOTHING). Reminders are recorded with them, once per
 * identity. Returns how many rows were new.
 */
export async function insertNotices(tx: Tx, notices: NewNotice[], reminders: NewReminder[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < notices.length; i += CHUNK) {
    const chunk = notices.slice(i, i + CHUNK);
    const col = <T>(f: (n: NewNotice) => T) => chunk.map(f);
    inserted += await tx.$executeRawUnsafe(
      `INSERT INTO notifications (kind, period, target, part, parts, platform, community, channel, recipient_identity_id, locale, payload, status, reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[])
       ON CONFLICT ON CONSTRAINT notifications_key DO NOTHING`,
      col((n) => n.kind), col((n) => n.period), col((n) => n.target), col((n) => n.part), col((n) => n.parts), col((n) => n.platform),
      col((n) => n.community), col((n) => n.channel), col((n) => n.recipientIdentityId), col((n) => n.locale), col((n) => JSON.stringify(n.payload)),
      col((n) => n.status), col((n) => n.reason),
    );
  }
  if (reminders.length) {
    await tx.$executeRawUnsafe(
      `INSERT INTO escrow_reminders (identity_id, platform, community, period)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (identity_id) DO NOTHING`,
      reminders.map((r) => r.identityId), reminders.map((r) => r.platform), reminders.map((r) => r.community), reminders.map((r) => r.period),
    );
  }
  return inserted;
}
