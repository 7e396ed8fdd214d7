import type { Db } from '../db/database.js';
import { parsePeriod } from '../domain/period.js';
import type { SettlementSettings } from './open-run.js';
import { previewReport } from './preview-report.js';

/** `flattr report --json`: exactly the shape in docs/contracts.md, amounts in integer minor units. */
export type SettlementReport = {
  period: string;
  status: string;
  supporters: { identities: { platform: string; externalId: string }[]; currency: string; budget: bigint; charged: bigint; fee: bigint; flattrs: number }[];
  recipients: { platform: string; externalId: string; currency: string; amount: bigint; supporters: number; flattrs: number; claimed: boolean }[];
  totals: { currency: string; charged: bigint; fees: bigint; credited: bigint; escrowed: bigint }[];
};

/**
 * The settlement of a period as recorded (supporter_settlements, with each
 * supporter's split), in three set-based queries. A period without a run is
 * reported as "open": with `preview` settings, with what settling it now
 * would move (previewReport), else with nothing in it.
 *
 * Recipients count only the flattrs of supporters charged in the period
 * (money rule 11): an uncharged supporter's row still lists its flattrs, with
 * shares of 0, and counting them would report creators "flattred by 3
 * supporters" who received nothing. A charged supporter's flattr counts even
 * when its share rounded to 0.
 */
export async function buildReport(db: Db, rawPeriod: string, preview?: SettlementSettings): Promise<SettlementReport> {
  const period = parsePeriod(rawPeriod);
  const [run] = await db.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM settlement_runs WHERE period = $1`, period);
  if (!run && preview) return previewReport(db, period, preview);
  const supporters = await db.$queryRawUnsafe<{ identities: { platform: string; externalId: string }[]; currency: string; budget: bigint; charged: bigint; fee: bigint; flattrs: number }[]>(
    `SELECT coalesce((SELECT json_agg(json_build_object('platform', i.platform, 'externalId', i.external_id) ORDER BY i.platform, i.external_id)
                        FROM identities i WHERE i.user_id = s.supporter_id), '[]'::json) AS identities,
            trim(s.currency) AS currency, s.budget, s.charged, s.fee, s.flattrs
       FROM supporter_settlements s WHERE s.period = $1 ORDER BY s.supporter_id`,
    period,
  );
  const recipients = await db.$queryRawUnsafe<SettlementReport['recipients']>(
    `SELECT i.platform, i.external_id AS "externalId", trim(s.currency) AS currency, sum(u.amount)::int8 AS amount,
            count(DISTINCT s.supporter_id)::int AS supporters, count(*)::int AS flattrs, bool_and(NOT u.escrowed) AS claimed
       FROM supporter_settlements s
      CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares, s.escrowed) AS u(flattr_id, amount, escrowed)
       JOIN flattrs f ON f.id = u.flattr_id
       JOIN identities i ON i.id = f.recipient_identity_id
      WHERE s.period = $1 AND s.charged > 0
      GROUP BY i.platform, i.external_id, s.currency
      ORDER BY i.platform, i.external_id, s.currency`,
    period,
  );
  const totals = await db.$queryRawUnsafe<SettlementReport['totals']>(
    `SELECT trim(s.currency) AS currency, sum(s.charged)::int8 AS charged, sum(s.fee)::int8 AS fees,
            coalesce(sum(u.credited), 0)::int8 AS credited, coalesce(sum(u.escrowed), 0)::int8 AS escrowed
       FROM supporter_settlements s
      CROSS JOIN LATERAL (SELECT sum(x.amount) FILTER (WHERE NOT x.escrowed) AS credited, sum(x.amount) FILTER (WHERE x.escrowed) AS escrowed
                            FROM unnest(s.shares, s.escrowed) AS x(amount, escrowed)) u
      WHERE s.period = $1
      GROUP BY s.currency ORDER BY s.currency`,
    period,
  );
  return { period, status: run?.status ?? 'open', supporters, recipients, totals };
}
