import type { Db } from '../db/database.js';
import type { SettlementReport } from './build-report.js';
import type { SettlementSettings } from './open-run.js';
import { PREVIEW_CTE } from './preview-settlement.js';

/**
 * The report of a period that has no run yet (the current month, or a closed
 * one waiting for its run): what settling it now would move, in the shape of
 * a settled report (docs/contracts.md) with status "open". Counts follow
 * money rule 11 as a settled report does: a recipient counts only flattrs of
 * supporters who would be charged.
 */
export async function previewReport(db: Db, period: string, settings: SettlementSettings): Promise<SettlementReport> {
  const params = [period, settings.feeBps, settings.policy] as const;
  const supporters = await db.$queryRawUnsafe<SettlementReport['supporters']>(
    `${PREVIEW_CTE}
     SELECT coalesce((SELECT json_agg(json_build_object('platform', i.platform, 'externalId', i.external_id) ORDER BY i.platform, i.external_id)
                        FROM identities i WHERE i.user_id = c.supporter_id), '[]'::json) AS identities,
            trim(c.currency) AS currency, c.budget, c.charged, c.fee, c.n AS flattrs
       FROM charges c ORDER BY c.supporter_id`,
    ...params,
  );
  const recipients = await db.$queryRawUnsafe<SettlementReport['recipients']>(
    `${PREVIEW_CTE}
     SELECT i.platform, i.external_id AS "externalId", trim(s.currency) AS currency, sum(s.amount)::int8 AS amount,
            count(DISTINCT s.supporter_id)::int AS supporters, count(*)::int AS flattrs, bool_and(NOT s.escrowed) AS claimed
       FROM shares s JOIN identities i ON i.id = s.identity_id
      WHERE s.charged > 0
      GROUP BY i.platform, i.external_id, s.currency
      ORDER BY i.platform, i.external_id, s.currency`,
    ...params,
  );
  const totals = await db.$queryRawUnsafe<SettlementReport['totals']>(
    `${PREVIEW_CTE}, by_currency AS (
       SELECT currency, sum(amount) FILTER (WHERE NOT escrowed) AS credited, sum(amount) FILTER (WHERE escrowed) AS escrowed FROM shares GROUP BY currency
     )
     SELECT trim(c.currency) AS currency, sum(c.charged)::int8 AS charged, sum(c.fee)::int8 AS fees,
            coalesce(min(b.credited), 0)::int8 AS credited, coalesce(min(b.escrowed), 0)::int8 AS escrowed
       FROM charges c LEFT JOIN by_currency b ON b.currency = c.currency
      GROUP BY c.currency ORDER BY c.currency`,
    ...params,
  );
  return { period, status: 'open', supporters, recipients, totals };
}
