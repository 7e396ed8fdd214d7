import type { Db } from '../../db/database.js';
import type { Money } from '../../domain/money.js';

export type MonthlyTopupView = {
  on: boolean;
  /** What the wallet page shows of the saved card ("visa 4242"), once read from Stripe. */
  card: string | null;
  budget: Money;
  /** The latest monthly charge, if any. */
  last?: { period: string; status: string; amount: Money; failureReason: string | null };
};

/** A supporter's monthly top-up as the wallet page shows it. */
export async function loadMonthlyTopup(db: Db, userId: number): Promise<MonthlyTopupView> {
  const [row] = await db.$queryRawUnsafe<{ status: string | null; card: string | null; currency: string; budget: bigint }[]>(
    `SELECT m.status, m.card, trim(u.currency) AS currency, coalesce(s.budget_minor, 0)::int8 AS budget
       FROM users u LEFT JOIN monthly_topups m ON m.user_id = u.id LEFT JOIN supporter_settings s ON s.user_id = u.id WHERE u.id = $1`,
    userId,
  );
  const [last] = await db.$queryRawUnsafe<{ period: string; status: string; amount: bigint; currency: string; failure_reason: string | null }[]>(
    `SELECT trim(monthly_period) AS period, status, amount, trim(currency) AS currency, failure_reason FROM topup_sessions
      WHERE user_id = $1 AND monthly_period IS NOT NULL ORDER BY monthly_period DESC LIMIT 1`,
    userId,
  );
  return {
    on: row?.status === 'active',
    card: row?.card ?? null,
    budget: { minor: row?.budget ?? 0n, currency: row?.currency ?? 'EUR' },
    ...(last && { last: { period: last.period, status: last.status, amount: { minor: last.amount, currency: last.currency }, failureReason: last.failure_reason } }),
  };
}
