import { z } from 'zod';
import type { Db } from '../../../src/db/database.js';
import { likeEventSchema, type LikeEvent } from '../../../src/domain/like-event.js';
import type { SeenLike } from './diff-likes.js';

const seenLike = z.object({ id: z.string(), author: z.string().optional(), seenAt: z.string() });
const readLike = z.object({ id: z.string(), author: z.string().optional(), readAt: z.string() });
const scanSchema = z.object({ nextToken: z.string().optional(), items: z.array(readLike), pages: z.number().int().min(0) });

/** A poll stopped part way: where X's pagination resumes, what it had read, and how many pages that took. */
export type Scan = z.infer<typeof scanSchema>;

export type PollState = {
  identityId: number;
  /** The X user id (the identity's external id). */
  xUserId: string;
  recent: SeenLike[];
  scan: Scan | null;
  pending: LikeEvent[];
  baselined: boolean;
  failures: number;
};

type Row = { identity_id: number; external_id: string; recent_likes: string; scan: string | null; pending: string; baselined: boolean; failures: number };

/** The poller's state of one identity (the tick made the row), parsed: it is ours, so a row that does not parse is a bug and throws. */
export async function loadPollState(db: Db, identityId: number): Promise<PollState | undefined> {
  const [row] = await db.$queryRawUnsafe<Row[]>(
    `SELECT p.identity_id, i.external_id, p.recent_likes, p.scan, p.pending, p.baselined, p.failures
       FROM x_poll_state p JOIN identities i ON i.id = p.identity_id WHERE p.identity_id = $1`,
    identityId,
  );
  if (!row) return undefined;
  return {
    identityId: row.identity_id, xUserId: row.external_id, baselined: row.baselined, failures: row.failures,
    recent: z.array(seenLike).parse(JSON.parse(row.recent_likes)),
    scan: row.scan === null ? null : scanSchema.parse(JSON.parse(row.scan)),
    pending: z.array(likeEventSchema).parse(JSON.parse(row.pending)),
  };
}

/** A finished poll: its window, the events it decided (pending until queued), and when to poll next. One statement, so both or neither are kept. */
export async function savePollResult(
  db: Db, identityId: number, result: { recent: SeenLike[]; pending: LikeEvent[]; polledAt: Date; nextPollAt: Date },
): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE x_poll_state SET recent_likes = $2, pending = $3, scan = NULL, baselined = true, last_polled_at = $4, next_poll_at = $5,
            failures = 0, last_error = NULL, updated_at = now()
      WHERE identity_id = $1`,
    identityId, JSON.stringify(result.recent), JSON.stringify(result.pending), result.polledAt, result.nextPollAt,
  );
}

/**
 * A poll that stopped part way (rate limit, error, disconnected): keep what it
 * read so the next one resumes, and when to try again. `failure` counts
 * towards the back-off; a rate limit is not a failure.
 */
export async function savePollStop(
  db: Db, identityId: number, stop: { scan: Scan | null; nextPollAt: Date; error?: string; failure?: boolean },
): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE x_poll_state SET scan = $2, next_poll_at = $3, last_error = $4, failures = failures + $5, updated_at = now()
      WHERE identity_id = $1`,
    identityId, stop.scan === null ? null : JSON.stringify(stop.scan), stop.nextPollAt, stop.error ?? null, stop.failure ? 1 : 0,
  );
}

/** The decided events are on the likes queue. */
export async function clearPending(db: Db, identityId: number): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE x_poll_state SET pending = '[]', updated_at = now() WHERE identity_id = $1`, identityId);
}

