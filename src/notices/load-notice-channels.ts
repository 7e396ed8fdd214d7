import type { Tx } from '../db/database.js';

/** Where a community's digest goes and in which language, or why it goes nowhere. */
export type NoticeChannel = { channel: string | null; off: boolean; locale: string | null };

/**
 * Per community with flattrs in the period: the channel chosen with
 * `/flattr channel`, else the channel where most of the period's flattrs
 * were made (ties: the smallest id, so a re-derivation agrees); whether
 * `/flattr channel off` stopped its digests; its locale.
 */
export async function loadNoticeChannels(db: Pick<Tx, '$queryRawUnsafe'>, period: string, communities: { platform: string; community: string }[]): Promise<Map<string, NoticeChannel>> {
  const rows = await db.$queryRawUnsafe<{ platform: string; community: string; busiest: string | null; chosen: string | null; off: boolean | null; locale: string | null }[]>(
    `WITH k AS (SELECT * FROM unnest($2::text[], $3::text[]) AS k(platform, community)),
          b AS (SELECT DISTINCT ON (platform, community) platform, community, channel
                  FROM (SELECT platform, community, channel, count(*) AS n FROM flattrs
                         WHERE period = $1 AND status = 'active' AND community IS NOT NULL AND channel IS NOT NULL
                         GROUP BY platform, community, channel) n
                 ORDER BY platform, community, n DESC, channel)
     SELECT k.platform, k.community, b.channel AS busiest, c.notice_channel AS chosen, c.digests_off AS off, c.locale
       FROM k LEFT JOIN b ON b.platform = k.platform AND b.community = k.community
       LEFT JOIN communities c ON c.platform = k.platform AND c.external_id = k.community`,
    period, communities.map((c) => c.platform), communities.map((c) => c.community),
  );
  return new Map(rows.map((r) => [channelKey(r.platform, r.community), { channel: r.chosen ?? r.busiest, off: r.off ?? false, locale: r.locale }]));
}

export const channelKey = (platform: string, community: string) => `${platform}:${community}`;
