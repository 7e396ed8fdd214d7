import type { Db } from '../db/database.js';
import { parsePeriod } from '../domain/period.js';
import type { NoticeKind, NoticeStatus } from './port.js';

/** One notice as `flattr notices` shows it: what, to whom, and what became of it. */
export type NoticeListing = {
  id: bigint; kind: NoticeKind; platform: string; target: string; part: number; parts: number;
  /** "channel C123" for a digest, "discord user 80351…" (the platform account) for a DM. */
  to: string;
  status: NoticeStatus; reason: string | null; retryable: boolean; attempts: number;
  messageId: string | null; sentAt: Date | null; lastError: string | null;
  /** The first line of the message, for people reading the list. */
  title: string;
};

/** Every notice of a period (or only those with these ids), in the order they were derived. */
export async function listNotices(db: Db, rawPeriod: string, ids?: bigint[]): Promise<NoticeListing[]> {
  const period = parsePeriod(rawPeriod);
  const rows = await db.$queryRawUnsafe<(Omit<NoticeListing, 'to' | 'title'> & { channel: string | null; dm: string | null; payload: string })[]>(
    `SELECT n.id, n.kind, n.platform, n.target, n.part, n.parts, n.channel, i.external_id AS dm, n.status, n.reason, n.retryable, n.attempts,
            n.message_id AS "messageId", n.sent_at AS "sentAt", n.last_error AS "lastError", n.payload
       FROM notifications n LEFT JOIN identities i ON i.id = n.recipient_identity_id
      WHERE n.period = $1 AND ($2::int8[] IS NULL OR n.id = ANY($2::int8[]))
      ORDER BY n.id`,
    period, ids ?? null,
  );
  return rows.map(({ channel, dm, payload, ...r }) => ({
    ...r,
    to: channel !== null ? `channel ${channel}` : dm !== null ? `${r.platform} user ${dm}` : 'nobody',
    title: String((JSON.parse(payload) as { text: string }).text.split('\n')[0]).replace(/^[*_]+|[*_]+$/g, ''),
  }));
}
