import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import { noticeKey } from './notice-key.js';
import { dmAddress } from './notice-row.js';
import type { NoticeKind, NoticePayload, NoticeStatus, OutboundNotice } from './port.js';

export type StoredNotice = OutboundNotice & { period: string; target: string; part: number; status: NoticeStatus; retryable: boolean; leaseUntil: Date | null; attempts: number };

type Row = {
  id: bigint; kind: NoticeKind; period: string; target: string; part: number; platform: Platform; community: string; channel: string | null;
  dm_external_id: string | null; payload: string; status: NoticeStatus; retryable: boolean; lease_until: Date | null; attempts: number;
};

/** One outbox row, addressed for its sender (a DM's platform user id from its identity). */
export async function loadNotice(db: Db, id: bigint): Promise<StoredNotice | undefined> {
  const [r] = await db.$queryRawUnsafe<Row[]>(
    `SELECT n.id, n.kind, trim(n.period) AS period, n.target, n.part, n.platform, n.community, n.channel, i.external_id AS dm_external_id,
            n.payload, n.status, n.retryable, n.lease_until, n.attempts
       FROM notifications n LEFT JOIN identities i ON i.id = n.recipient_identity_id
      WHERE n.id = $1`,
    id,
  );
  if (!r) return undefined;
  const destination = r.channel !== null ? { channel: r.channel } : { user: dmAddress(r.platform, r.dm_external_id ?? '').user };
  return {
    id: r.id, key: noticeKey(r), period: r.period, target: r.target, part: r.part, kind: r.kind, platform: r.platform, community: r.community, destination,
    payload: JSON.parse(r.payload) as NoticePayload, status: r.status, retryable: r.retryable, leaseUntil: r.lease_until, attempts: r.attempts,
  };
}

/**
 * Takes a notice for sending: pending, or a send whose lease ran out (its
 * sender died). The attempt is recorded before the platform is called, and
 * the lease keeps every other worker off it until then. Returns false when
 * someone else has it, or it is done.
 */
export async function claimNotice(db: Db, id: bigint, o: { leaseMs: number }): Promise<boolean> {
  const claimed = await db.$executeRawUnsafe(
    `UPDATE notifications SET status = 'sending', attempts = attempts + 1, attempted_at = now(), lease_until = now() + make_interval(secs => $2::float8 / 1000)
      WHERE id = $1 AND (status = 'pending' OR (status = 'sending' AND lease_until <= now()))`,
    id, o.leaseMs,
  );
  return claimed === 1;
}

/** What became of an attempt: sent (with the platform's message id), back to pending, failed or skipped with a reason. */
export type NoticeOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'pending'; reason: string; error: string }
  | { status: 'failed'; reason: string; error: string; retryable: boolean }
  | { status: 'skipped'; reason: string };

/** Records an outcome; a sent notice is never changed again. */
export async function recordNoticeOutcome(db: Db, id: bigint, outcome: NoticeOutcome): Promise<void> {
  const error = 'error' in outcome ? outcome.error.slice(0, 500) : null;
  await db.$executeRawUnsafe(
    `UPDATE notifications SET status = $2, reason = $3, last_error = coalesce($4, last_error), retryable = $5, message_id = $6,
            sent_at = CASE WHEN $2 = 'sent' THEN now() END, lease_until = NULL
      WHERE id = $1 AND status <> 'sent'`,
    id, outcome.status, 'reason' in outcome ? outcome.reason : null, error,
    outcome.status === 'failed' && outcome.retryable, outcome.status === 'sent' ? outcome.messageId : null,
  );
}

/** Whether the part before this one of a split digest is still to send (pending or sending). */
export async function previousPartOpen(db: Db, n: { kind: string; period: string; target: string; part: number }): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM notifications WHERE kind = $1 AND period = $2 AND target = $3 AND part = $4 AND status IN ('pending', 'sending')`,
    n.kind, n.period, n.target, n.part - 1,
  );
  return rows.length > 0;
}
