import type { Db } from '../db/database.js';
import { parsePeriod } from '../domain/period.js';

/** `flattr report --json`: exactly the shape of DESIGN.md section 4, amounts in integer minor units. */
export type SettlementReport = {
  period: string;
  status: string;
  supporters: { identities: { platform: string; externalId: string }[]; currency: string; budget: bigint; charged: bigint; fee: bigint; flattrs: number }[];
  recipients: { platform: string; externalId: string; currency: string; amount: bigint; supporters: number; flattrs: number; claimed: boolean }[];
  totals: { currency: string; charged: bigint; fees: bigint; credited: bigint; escrowed: bigint }[];
};

/**
 * The settlement of a period as recorded (supporter_settlements and
 * flattr_shares), in three set-based queries. A period without a run is
 * reported as "open" with nothing in it.
 */
export async function buildReport(db: Db, rawPeriod: string): Promise<SettlementReport> {
  const period = parsePeriod(rawPeriod);
  const [run] = await db.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM settlement_runs WHERE period = $1`, period);
  const supporters = await db.$queryRawUnsafe<{ identities: { platform: string; externalId: string }[]; currency: string; budget: bigint; charged: bigint; fee: bigint; flattrs: number }[]>(
    `SELECT coalesce((SELECT json_agg(json_build_object('platform', i.platform, 'externalId', i.external_id) ORDER BY i.platform, i.external_id)
                        FROM identities i WHERE i.user_id = s.supporter_id), '[]'::json) AS identities,
            trim(s.currency) AS currency, s.budget, s.charged, s.fee, s.flattrs
       FROM supporter_settlements s WHERE s.period = $1 ORDER BY s.supporter_id`,
    period,
  );
  const recipients = await db.$queryRawUnsafe<SettlementReport['recipients']>(
    `SELECT i.platform, i.external_id AS "externalId", trim(s.currency) AS currency, sum(fs.amount)::int8 AS amount,
            count(DISTINCT fs.supporter_id)::int AS supporters, count(*)::int AS flattrs, bool_and(NOT fs.escrowed) AS claimed
       FROM flattrs f
       JOIN flattr_shares fs ON fs.flattr_id = f.id
       JOIN identities i ON i.id = f.recipient_identity_id
       JOIN supporter_settlements s ON s.period = fs.period AND s.supporter_id = fs.supporter_id
      WHERE f.period = $1
      GROUP BY i.platform, i.external_id, s.currency
      ORDER BY i.platform, i.external_id, s.currency`,
    period,
  );
  const totals = await db.$queryRawUnsafe<SettlementReport['totals']>(
    `SELECT trim(s.currency) AS currency, sum(s.charged)::int8 AS charged, sum(s.fee)::int8 AS fees,
            coalesce(sum(sh.credited), 0)::int8 AS credited, coalesce(sum(sh.escrowed), 0)::int8 AS escrowed
       FROM supporter_settlements s
       LEFT JOIN (SELECT fs.supporter_id, sum(fs.amount) FILTER (WHERE NOT fs.escrowed) AS credited, sum(fs.amount) FILTER (WHERE fs.escrowed) AS escrowed
                    FROM flattrs f JOIN flattr_shares fs ON fs.flattr_id = f.id
                   WHERE f.period = $1 GROUP BY fs.supporter_id) sh ON sh.supporter_id = s.supporter_id
      WHERE s.period = $1
      GROUP BY s.currency ORDER BY s.currency`,
    period,
  );
  return { period, status: run?.status ?? 'open', supporters, recipients, totals };
}
