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
  channel: string | null;
  occurredAt: Date;
  recipient: { platform: string; externalId: string; handle: string | null; claimed: boolean };
};

/** What settling the supporter's month now would do: A, F, and each flattr's share, newest like first. */
export type MonthShares = { charged: bigint; fee: bigint; flattrs: MonthFlattr[] };

type Row = {
  charged: bigint; fee: bigint; id: bigint | null; share: bigint | null; platform: string; item: string; community: string | null;
  community_name: string | null; channel: string | null; occurred_at: Date; r_platform: string; r_external_id: string; r_handle: string | null; claimed: boolean;
};

/**
 * The settlement preview (src/settlement/preview-settlement.ts, the same
 * arithmetic as the batch statement) restricted to one supporter: the
 * charge, the fee, and every active flattr's share, in one statement so the
 * amounts and the list come from one snapshot (Σ shares = charged − fee).
 * No charges row means nothing would move (no flattr, `keep` policy).
 */
export async function loadMonthShares(db: Db, supporterId: number, period: string, settings: { feeBps: number; policy: UnspentPolicy }): Promise<MonthShares> {
  const rows = await db.$queryRawUnsafe<Row[]>(
    `${previewCte('$4')}
     SELECT c.charged, c.fee, s.flattr_id AS id, s.amount::int8 AS share, f.platform, f.item, f.community, cm.name AS community_name, f.channel,
            f.occurred_at, i.platform AS r_platform, i.external_id AS r_external_id, i.handle AS r_handle, NOT s.escrowed AS claimed
       FROM charges c
       LEFT JOIN shares s ON s.supporter_id = c.supporter_id
       LEFT JOIN flattrs f ON f.id = s.flattr_id
       LEFT JOIN identities i ON i.id = s.identity_id
       LEFT JOIN communities cm ON cm.platform = f.platform AND cm.external_id = f.community
      WHERE c.supporter_id = $4
      ORDER BY f.occurred_at DESC, f.id DESC`,
    period, settings.feeBps, settings.policy, supporterId,
  );
  const first = rows[0];
  if (!first) return { charged: 0n, fee: 0n, flattrs: [] };
  const flattrs = rows.filter((r) => r.id !== null).map((r): MonthFlattr => ({
    id: r.id!, share: r.share!, platform: r.platform, item: r.item, community: r.community, communityName: r.community_name, channel: r.channel,
    occurredAt: r.occurred_at, recipient: { platform: r.r_platform, externalId: r.r_external_id, handle: r.r_handle, claimed: r.claimed },
  }));
  return { charged: first.charged, fee: first.fee, flattrs };
}
