import type { Db, Tx } from '../db/database.js';
import { flattrLockKey, LOCK_CLASS, takeFlattrLocksSql } from '../db/locks.js';
import { judgeLike } from '../domain/judge-like.js';
import { channelOfItem, type LikeEvent } from '../domain/like-event.js';
import { countingPeriod, isTooFarInFuture, periodOf, previousPeriod, type Period } from '../domain/period.js';
import { canonicalReaction } from '../domain/reactions.js';
import type { LikeOutcome } from './outcome.js';
import { createUnclaimedIdentities, identityKey, lookupPeople, type PlatformId } from './people.js';

export type RecordLikesOptions = {
  timeZone: string;
  /** The hub's clock: which periods are current and previous, and which likes are dated in the future. */
  now?: () => Date;
};

/** An accepted event, resolved to the rows it touches. */
type Accepted = { index: number; event: LikeEvent; supporterId: number; period: Period; reaction: string; at: Date };

/**
 * Money rules 2–4 for a batch of events, in one transaction of a handful of
 * set-based statements (no round trip per like). Returns one outcome per
 * event, in order. Safe to run concurrently and to retry: the like_events
 * primary key makes a redelivered event a duplicate, and reaction states
 * converge on the latest occurredAt whatever the delivery order.
 */
export async function recordLikes(db: Db, events: readonly LikeEvent[], options: RecordLikesOptions): Promise<LikeOutcome[]> {
  const outcomes: LikeOutcome[] = new Array(events.length);
  const firstIndex = new Map<string, number>();
  events.forEach((e, i) => {
    if (firstIndex.has(e.eventId)) outcomes[i] = { kind: 'duplicate' };
    else firstIndex.set(e.eventId, i);
  });
  const unique = [...firstIndex.values()];
  if (unique.length === 0) return outcomes;
  // Each event's own period, computed once and outside the transaction.
  const now = options.now?.() ?? new Date();
  const current = periodOf(now, options.timeZone);
  const ownPeriod = new Map(unique.map((i) => [i, periodOf(new Date(events[i]!.occurredAt), options.timeZone)]));
  // The started runs that matter: from the previous period on (older likes move there or later).
  const earliest = previousPeriod(current);

  await db.$transaction(async (tx) => {
    // Held until commit, so a settlement run cannot open between reading the runs and writing flattrs.
    // The runs are read by the next statement, whose snapshot is taken after the lock is granted.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock_shared(${LOCK_CLASS.settlementStart}, 0)`);
    const people = uniquePairs(unique.flatMap((i) => [[events[i]!.platform, events[i]!.liker], [events[i]!.platform, events[i]!.author]] as const));
    const { supporters, identities, startedPeriods } = await lookupPeople(tx, people, earliest);

    const accepted: Accepted[] = [];
    for (const index of unique) {
      const event = events[index]!;
      const supporter = supporters.get(identityKey(event.platform, event.liker));
      const author = identities.get(identityKey(event.platform, event.author));
      if (isTooFarInFuture(new Date(event.occurredAt), now)) {
        outcomes[index] = { kind: 'ignored', reason: 'future_dated' };
        continue;
      }
      const verdict = judgeLike(event, supporter, author?.user_id);
      if (!verdict.accept) {
        outcomes[index] = { kind: 'ignored', reason: verdict.reason };
        continue;
      }
      accepted.push({
        index, event, supporterId: supporter!.userId, at: new Date(event.occurredAt),
        period: countingPeriod(ownPeriod.get(index)!, current, startedPeriods),
        reaction: event.reaction === undefined ? '' : canonicalReaction(event.reaction),
      });
    }

    const fresh = await claimEventIds(tx, accepted);
    for (const a of accepted) outcomes[a.index] = fresh.has(a.event.eventId) ? { kind: 'accepted' } : { kind: 'duplicate' };
    const toApply = accepted.filter((a) => fresh.has(a.event.eventId));
    if (toApply.length === 0) return;

    await upsertReactionStates(tx, toApply);
    const missingAuthors = uniquePairs(toApply.map((a) => [a.event.platform, a.event.author] as const))
      .filter((p) => !identities.has(identityKey(...p)));
    for (const [k, v] of await createUnclaimedIdentities(tx, missingAuthors)) identities.set(k, v);
    await upsertFlattrs(tx, toApply, (a) => identities.get(identityKey(a.event.platform, a.event.author))!.id);
  }, { timeout: 60_000, maxWait: 30_000 });
  return outcomes;
}

async function claimEventIds(tx: Tx, accepted: readonly Accepted[]): Promise<Set<string>> {
  if (accepted.length === 0) return new Set();
  const sorted = [...accepted].sort((a, b) => (a.event.eventId < b.event.eventId ? -1 : 1));
  const [row] = await tx.$queryRawUnsafe<{ ids: string[] }[]>(
    `WITH claimed AS (
       INSERT INTO like_events (event_id, platform, outcome)
       SELECT e, p, 'accepted' FROM jsonb_to_recordset($1::jsonb) AS t(e text, p text)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id
     ) SELECT coalesce(array_agg(event_id), '{}') AS ids FROM claimed`,
    JSON.stringify(sorted.map((a) => ({ e: a.event.eventId, p: a.event.platform }))),
  );
  return new Set(row!.ids);
}

const flattrKey = (a: Accepted) => flattrLockKey(a.supporterId, a.event.item, a.period);

/**
 * Rule 3: per reaction, the event with the latest (occurredAt, eventId) wins.
 * The same statement first takes an advisory lock per flattr touched (in
 * sorted order: no deadlocks), held until commit: concurrent batches on one
 * flattr are serialized, so the status computed by the next statement (a new
 * snapshot, taken after the locks) always sees every committed reaction.
 */
async function upsertReactionStates(tx: Tx, rows: readonly Accepted[]): Promise<void> {
  const latest = new Map<string, Accepted>();
  for (const a of rows) {
    const key = `${flattrKey(a)}\u001f${a.reaction}`;
    const seen = latest.get(key);
    if (!seen || a.at > seen.at || (a.at.getTime() === seen.at.getTime() && a.event.eventId > seen.event.eventId)) latest.set(key, a);
  }
  const list = [...latest.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, a]) => a);
  const lockKeys = [...new Set(rows.map(flattrKey))].sort();
  await tx.$executeRawUnsafe(
    `WITH locked AS MATERIALIZED (
       ${takeFlattrLocksSql('$2')}
     )
     INSERT INTO reaction_states AS r (supporter_id, item, period, reaction, active, occurred_at, event_id)
     SELECT s, i, p, r, a, t, e FROM jsonb_to_recordset($1::jsonb) AS x(s int, i text, p text, r text, a bool, t timestamptz, e text)
     WHERE (SELECT count(*) FROM locked) >= 0
     ON CONFLICT (supporter_id, item, period, reaction) DO UPDATE
       SET active = excluded.active, occurred_at = excluded.occurred_at, event_id = excluded.event_id
       WHERE (excluded.occurred_at, excluded.event_id) > (r.occurred_at, r.event_id)`,
    JSON.stringify(list.map((a) => ({
      s: a.supporterId, i: a.event.item, p: a.period, r: a.reaction, a: a.event.action === 'like', t: a.at.toISOString(), e: a.event.eventId,
    }))),
    JSON.stringify(lockKeys),
  );
}

/**
 * A flattr stands while any of its reaction states is active. Rows are made
 * only once something is active, so a stray unlike leaves no trace.
 */
async function upsertFlattrs(tx: Tx, rows: readonly Accepted[], recipientOf: (a: Accepted) => number): Promise<void> {
  const byKey = new Map<string, Accepted>();
  for (const a of rows) {
    const seen = byKey.get(flattrKey(a));
    if (!seen || a.at < seen.at) byKey.set(flattrKey(a), a);
  }
  const list = [...byKey.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, a]) => a);
  await tx.$executeRawUnsafe(
    `WITH t AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS t(n int, supporter_id int, item text, period text, recipient int, platform text, community text, channel text, occurred_at timestamptz, event_id text)
     ), s AS (
       SELECT t.*, EXISTS (SELECT 1 FROM reaction_states r
                            WHERE r.supporter_id = t.supporter_id AND r.item = t.item AND r.period = t.period AND r.active) AS active
         FROM t
     )
     INSERT INTO flattrs AS f (supporter_id, recipient_identity_id, platform, item, community, channel, period, occurred_at, status, source_event_id)
     SELECT supporter_id, recipient, platform, item, community, channel, period, occurred_at,
            CASE WHEN active THEN 'active' ELSE 'revoked' END, event_id
       FROM s
      WHERE active OR EXISTS (SELECT 1 FROM flattrs x WHERE x.supporter_id = s.supporter_id AND x.item = s.item AND x.period = s.period)
      ORDER BY n
     ON CONFLICT (supporter_id, item, period) DO UPDATE
       SET status = excluded.status, updated_at = now()
       WHERE f.status IS DISTINCT FROM excluded.status`,
    JSON.stringify(list.map((a, n) => ({
      n, supporter_id: a.supporterId, item: a.event.item, period: a.period, recipient: recipientOf(a), platform: a.event.platform,
      community: a.event.community ?? null, channel: channelOfItem(a.event) ?? null, occurred_at: a.at.toISOString(), event_id: a.event.eventId,
    }))),
  );
}

function uniquePairs(pairs: readonly PlatformId[]): PlatformId[] {
  return [...new Map(pairs.map((p) => [identityKey(p[0], p[1]), p])).values()];
}
