import type { Db } from '../../db/database.js';
import { countingPeriod, periodOf, previousPeriod } from '../../domain/period.js';

/** The supporter's side of the month that is cheap to read: settings, wallet, and which period a like would count in now. */
export type MonthHeader = {
  period: string;
  locale: string;
  currency: string;
  /** The user's platform accounts, to say who is signed in. */
  identities: { platform: string; externalId: string; handle: string | null }[];
  /** Null until the user has supporter settings (joined in chat, or set a budget here). */
  supporter: { budget: bigint; active: boolean; platforms: string[] } | null;
  /** The wallet of the supporter's currency: the one settlement charges. */
  wallet: bigint;
};

/**
 * One statement, read with the split into the view kept for a moment
 * (web-views.ts): the split is computed for this period, currency and
 * budget, so both come from one reading. The period is money rule 2's
 * for a like made now (`countingPeriod`): this month unless an operator has
 * already started settling it.
 */
export async function loadMonthHeader(db: Db, userId: number, now: Date, timeZone: string): Promise<MonthHeader | undefined> {
  const current = periodOf(now, timeZone);
  const [row] = await db.$queryRawUnsafe<{ locale: string; currency: string; identities: MonthHeader['identities']; joined: boolean; budget: bigint | null; active: boolean | null; platforms: string[] | null; wallet: bigint; started: string[] }[]>(
    `SELECT u.locale, trim(u.currency) AS currency, s.user_id IS NOT NULL AS joined,
            coalesce((SELECT json_agg(json_build_object('platform', i.platform, 'externalId', i.external_id, 'handle', i.handle) ORDER BY i.platform, i.external_id)
                        FROM identities i WHERE i.user_id = u.id), '[]'::json) AS identities, s.budget_minor AS budget, s.active, s.platforms,
            coalesce((SELECT sum(e.amount) FROM accounts a JOIN entries e ON e.account_id = a.id
                       WHERE a.kind = 'wallet' AND a.user_id = u.id AND a.identity_id IS NULL AND a.currency = u.currency), 0)::int8 AS wallet,
            array(SELECT trim(r.period) FROM settlement_runs r WHERE r.period >= $2) AS started
       FROM users u LEFT JOIN supporter_settings s ON s.user_id = u.id
      WHERE u.id = $1`,
    userId, previousPeriod(current),
  );
  if (!row) return undefined;
  return {
    period: countingPeriod(current, current, new Set(row.started)),
    locale: row.locale, currency: row.currency, identities: row.identities, wallet: row.wallet,
    supporter: row.joined ? { budget: row.budget!, active: row.active!, platforms: row.platforms! } : null,
  };
}
