import type { Tx } from '../db/database.js';
import { CurrencyLockedError, CurrencyNeedsBudgetError } from '../domain/errors.js';
import { toDecimalString } from '../domain/money.js';

/**
 * The currency a supporter change leaves: the wanted one, or the current one
 * when none is asked for. Money rule 11: a wallet holding money keeps its
 * currency (settlement charges the wallet of the supporter's currency and
 * nothing converts, so the old one would be stranded); and a change of
 * currency comes with the budget in the new one.
 *
 * It locks the users row first: wallet credits read the currency under FOR
 * SHARE of that row (credit-wallet.ts), so a credit in flight commits before
 * the balance is read here, and none can start into the old currency's
 * wallet until this change commits.
 */
export async function resolveCurrencyChange(tx: Tx, userId: number, wanted: string | undefined, budgetGiven: boolean): Promise<string> {
  const [user] = await tx.$queryRawUnsafe<{ currency: string; budget_minor: bigint | null }[]>(
    `SELECT trim(u.currency) AS currency, s.budget_minor FROM users u LEFT JOIN supporter_settings s ON s.user_id = u.id
      WHERE u.id = $1 FOR UPDATE OF u`,
    userId,
  );
  const current = user!.currency;
  if (wanted === undefined || wanted === current) return current;
  const [wallet] = await tx.$queryRawUnsafe<{ balance: bigint }[]>(
    `SELECT coalesce(sum(e.amount), 0)::int8 AS balance FROM accounts a JOIN entries e ON e.account_id = a.id
      WHERE a.kind = 'wallet' AND a.user_id = $1 AND a.identity_id IS NULL AND a.currency = $2`,
    userId, current,
  );
  const balance = wallet!.balance;
  if (balance !== 0n) throw new CurrencyLockedError(current, wanted, balance, toDecimalString({ minor: balance, currency: current }));
  // The stored budget is minor units of `current`: read in `wanted` they
  // would mean another amount (35.00 EUR is not 3500 JPY), so the change
  // must say it. A budget of zero (a new supporter) means the same anywhere.
  if (!budgetGiven && (user!.budget_minor ?? 0n) !== 0n) throw new CurrencyNeedsBudgetError(current, wanted);
  return wanted;
}
