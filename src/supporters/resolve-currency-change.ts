import type { Tx } from '../db/database.js';
import { CurrencyLockedError } from '../domain/errors.js';
import { toDecimalString } from '../domain/money.js';

/**
 * The currency a supporter change leaves: the wanted one, or the current one
 * when none is asked for. Money rule 11: a wallet holding money keeps its
 * currency (settlement charges the wallet of the supporter's currency and
 * nothing converts, so the old one would be stranded).
 *
 * It locks the users row first: wallet credits read the currency under FOR
 * SHARE of that row (credit-wallet.ts), so a credit in flight commits before
 * the balance is read here, and none can start into the old currency's
 * wallet until this change commits.
 */
export async function resolveCurrencyChange(tx: Tx, userId: number, wanted: string | undefined): Promise<string> {
  const [user] = await tx.$queryRawUnsafe<{ currency: string }[]>(`SELECT trim(currency) AS currency FROM users WHERE id = $1 FOR UPDATE`, userId);
  const current = user!.currency;
  if (wanted === undefined || wanted === current) return current;
  const [wallet] = await tx.$queryRawUnsafe<{ balance: bigint }[]>(
    `SELECT coalesce(sum(e.amount), 0)::int8 AS balance FROM accounts a JOIN entries e ON e.account_id = a.id
      WHERE a.kind = 'wallet' AND a.user_id = $1 AND a.identity_id IS NULL AND a.currency = $2`,
    userId, current,
  );
  const balance = wallet!.balance;
  if (balance !== 0n) throw new CurrencyLockedError(current, wanted, balance, toDecimalString({ minor: balance, currency: current }));
  return wanted;
}
