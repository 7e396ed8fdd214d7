import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import type { Money } from '../domain/money.js';
import { findLinkCode, isEmptyUser, normalizeLinkCode, type LinkRefusal } from './link-codes.js';

/** What confirming a link code would do, told before anything changes. */
export type LinkPreview = {
  kind: 'preview';
  /** The identity typing the code, as people know it ("slack:alice"). */
  joining: string;
  /** The identities of the account it would join ("discord:bob"). */
  into: string[];
  /** Money of the joining identity that would move with it: its escrow, which the account's owner would then own. */
  escrow: Money[];
};

/**
 * The first step of `/flattr link CODE`: reads, never writes, and says what
 * the link would do, naming the account it joins, so a person tricked into
 * typing someone else's code sees whose account that is before anything
 * happens. Refusals that confirming would meet are given now.
 */
export async function previewLink(db: Db, platform: Platform, externalId: string, rawCode: string, now: Date): Promise<LinkPreview | LinkRefusal> {
  const code = normalizeLinkCode(rawCode);
  if (!code) return 'bad_code';
  const found = await findLinkCode(db, code, now);
  if (typeof found === 'string') return found;
  const [identity] = await db.$queryRawUnsafe<{ id: number; user_id: number | null; label: string }[]>(
    `SELECT id, user_id, platform || ':' || coalesce(handle, external_id) AS label FROM identities WHERE platform = $1 AND external_id = $2`,
    platform, externalId,
  );
  if (identity?.user_id === found.userId) return 'already_same';
  if (identity?.user_id != null && !(await isEmptyUser(db, identity.user_id, identity.id))) return 'owned_elsewhere';
  const into = await db.$queryRawUnsafe<{ label: string }[]>(
    `SELECT platform || ':' || coalesce(handle, external_id) AS label FROM identities WHERE user_id = $1 ORDER BY platform, external_id`, found.userId,
  );
  const escrow = identity && identity.user_id === null
    ? await db.$queryRawUnsafe<{ minor: bigint; currency: string }[]>(
      `SELECT sum(e.amount)::int8 AS minor, trim(a.currency) AS currency FROM accounts a JOIN entries e ON e.account_id = a.id
        WHERE a.kind = 'escrow' AND a.identity_id = $1 GROUP BY a.currency HAVING sum(e.amount) <> 0 ORDER BY a.currency`, identity.id)
    : [];
  return { kind: 'preview', joining: identity?.label ?? `${platform}:${externalId}`, into: into.map((r) => r.label), escrow };
}
