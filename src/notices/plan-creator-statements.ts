import type { Db } from '../db/database.js';
import type { Money } from '../domain/money.js';
import { loadPersonMoney } from '../people/load-person-money.js';
import { noticeLocale } from './format-notice.js';
import { dmAddress, type NewNotice } from './notice-row.js';
import { pickDmIdentities } from './pick-dm-identities.js';
import { renderCreatorStatement, type CreatorIncome } from './render-creator-statement.js';

type Row = { user_id: number; platform: string; community: string; name: string | null; locale: string; currency: string | null; amount: bigint; supporters: number };

/**
 * A DM per claimed creator who received money in the period and turned
 * statements on (`/flattr statement on`: their consent, not a default):
 * what came from each community on each platform (money rule 11: charged
 * supporters only), and their balance now.
 */
export async function planCreatorStatements(db: Db, period: string, o: { holdDays: number }): Promise<NewNotice[]> {
  const rows = await db.$queryRawUnsafe<Row[]>(
    `WITH x AS (
       SELECT i.user_id, f.platform, coalesce(f.community, '') AS community, s.supporter_id, trim(s.currency) AS currency, u.amount
         FROM supporter_settlements s
        CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares) AS u(flattr_id, amount)
         JOIN flattrs f ON f.id = u.flattr_id
         JOIN identities i ON i.id = f.recipient_identity_id
         JOIN supporter_settings st ON st.user_id = i.user_id AND st.statement_dms AND st.statements_opted_in
        WHERE s.period = $1 AND s.charged > 0)
     SELECT g.user_id, g.platform, g.community, c.name, u.locale, g.currency, g.amount, g.supporters
       FROM (SELECT user_id, platform, community, currency, sum(amount)::int8 AS amount, count(DISTINCT supporter_id)::int AS supporters
               FROM x GROUP BY GROUPING SETS ((user_id, platform, community, currency), (user_id, platform, community))) g
       JOIN users u ON u.id = g.user_id
       LEFT JOIN communities c ON c.platform = g.platform AND c.external_id = g.community
      ORDER BY g.user_id, g.platform, g.community, g.currency NULLS FIRST`,
    period,
  );
  const creators = new Map<number, { locale: string; income: CreatorIncome[] }>();
  for (const r of rows) {
    let c = creators.get(r.user_id);
    if (!c) creators.set(r.user_id, (c = { locale: r.locale, income: [] }));
    if (r.currency === null) c.income.push({ platform: r.platform, community: r.community, communityName: r.name, amounts: [], supporters: r.supporters });
    else c.income.at(-1)!.amounts.push({ minor: r.amount, currency: r.currency });
  }
  const dm = await pickDmIdentities(db, [...creators.keys()]);
  const notices: NewNotice[] = [];
  for (const [userId, c] of creators) {
    const to = dm.get(userId);
    if (!to) continue;
    const address = dmAddress(to.platform, to.externalId);
    const locale = noticeLocale(c.locale);
    const balances: Money[] = (await loadPersonMoney(db, to.platform, to.externalId, o.holdDays))?.creator.balances ?? [];
    notices.push({
      kind: 'creator', period, target: `user:${userId}`, part: 1, parts: 1, platform: to.platform, community: address.community,
      channel: null, recipientIdentityId: to.id, locale, payload: renderCreatorStatement({ platform: to.platform, locale, period, income: c.income, balances }),
      status: 'pending', reason: null,
    });
  }
  return notices;
}
