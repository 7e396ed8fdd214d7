import type { Db } from '../../db/database.js';
import type { UnspentPolicy } from '../../domain/split.js';
import { previewCte } from '../../settlement/preview-settlement.js';

/** One active flattr of the month and what it would receive if the month ended now. */
export type MonthFlattr = {
  id: bigint;
  share: bigint;
  platform: string;
  item: string;
  community: string | null;
  communityName: string | null;
  occurredAt: Date;
  recipient: { platform: string; externalId: string; handle: string | null; claimed: boolean };
};

/** What settling the supporter's month now would do: A, F, and each flattr's share, newest like first, in pages. */
export type MonthShares = {
  charged: bigint;
  fee: bigint;
  /** Every active flattr of the month. */
  count: number;
  pageSize: number;
  /** The flattrs of one page (1-based), newest like first; empty past the last. */
  page(n: number): MonthFlattr[];
};

/** One flattr as the statement lists it: a JSON array (the recipient is on the flattr's platform), a page of them one JSON text. */
type Listed = [id: string, share: string, platform: string, item: string, community: string | null, communityName: string | null,
  occurredAtMs: number, recipientExternalId: string, recipientHandle: string | null, claimed: boolean];

/** Between the pages' JSON texts (chr(30) in the statement): a control character, which JSON text never holds raw. */
const PAGE_SEPARATOR = '\u001e';

/**
 * The settlement preview (src/settlement/preview-settlement.ts, the same
 * arithmetic as the batch statement) restricted to one supporter: the
 * charge, the fee, and every active flattr's share, in one statement so the
 * amounts and the list come from one snapshot (Σ shares = charged − fee).
 * No charges row means nothing would move (no flattr, `keep` policy).
 *
 * The list comes as one JSON text per page, all in one text value, and a
 * page is parsed only when shown: 10,000 flattrs as rows took Prisma ten
 * times the query's own time to build, as a text[] the driver's array
 * parser took four times, and parsing every page at once held the event
 * loop for 100 ms.
 * Ids and amounts are text inside the JSON: a JSON number is a double, and
 * money never is (money rule 1).
 */
export async function loadMonthShares(db: Db, supporterId: number, period: string, settings: { feeBps: number; policy: UnspentPolicy }, pageSize: number): Promise<MonthShares> {
  const [row] = await db.$queryRawUnsafe<{ charged: bigint; fee: bigint; n: number; pages: string }[]>(
    `${previewCte('$4')}
     SELECT c.charged, c.fee, c.n, array_to_string(array(
       SELECT json_agg(json_build_array(flattr_id::text, amount::text, platform, item, community, community_name,
                                        (extract(epoch FROM occurred_at) * 1000)::int8, r_external_id, r_handle, claimed) ORDER BY rank)::text
         FROM (SELECT s.flattr_id, s.amount, f.platform, f.item, f.community, cm.name AS community_name, f.occurred_at,
                      i.external_id AS r_external_id, i.handle AS r_handle, NOT s.escrowed AS claimed,
                      row_number() OVER (ORDER BY f.occurred_at DESC, f.id DESC) - 1 AS rank
                 FROM shares s JOIN flattrs f ON f.id = s.flattr_id JOIN identities i ON i.id = s.identity_id
                 LEFT JOIN communities cm ON cm.platform = f.platform AND cm.external_id = f.community) listed
        GROUP BY rank / $5 ORDER BY rank / $5
     ), chr(30)) AS pages
       FROM charges c WHERE c.supporter_id = $4`,
    period, settings.feeBps, settings.policy, supporterId, pageSize,
  );
  if (!row) return { charged: 0n, fee: 0n, count: 0, pageSize, page: () => [] };
  const pages = row.pages === '' ? [] : row.pages.split(PAGE_SEPARATOR);
  const parsed = new Map<number, MonthFlattr[]>();
  return {
    charged: row.charged, fee: row.fee, count: row.n, pageSize,
    page(n) {
      let flattrs = parsed.get(n);
      if (!flattrs) parsed.set(n, (flattrs = pages[n - 1] === undefined ? [] : (JSON.parse(pages[n - 1]!) as Listed[]).map(toFlattr)));
      return flattrs;
    },
  };
}

function toFlattr(f: Listed): MonthFlattr {
  return {
    id: BigInt(f[0]), share: BigInt(f[1]), platform: f[2], item: f[3], community: f[4], communityName: f[5], occurredAt: new Date(f[6]),
    recipient: { platform: f[2], externalId: f[7], handle: f[8], claimed: f[9] },
  };
}
