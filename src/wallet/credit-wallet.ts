import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.js';
import { InvalidInputError } from '../domain/errors.js';
import { parseAmount, type Money } from '../domain/money.js';
import { ensureAccounts } from '../ledger/accounts.js';
import { accountBalance } from '../ledger/balance.js';
import { postTransfer } from '../ledger/post-transfer.js';
import { parsePlatform } from '../supporters/set-supporter.js';

export type WalletCredit = { platform: string; externalId: string; amount: string; currency?: string; idempotencyKey?: string };
export type WalletCreditResult = { userId: number; credited: Money; balance: Money; created: boolean };

/**
 * Manual funding: money in from outside (external account) to a supporter's
 * wallet, as one balanced transfer. The wallet currency is the supporter's;
 * a credit in another currency is refused rather than converted.
 */
export async function creditWallet(db: Db, input: WalletCredit): Promise<WalletCreditResult> {
  const platform = parsePlatform(input.platform);
  return db.$transaction(async (tx) => {
    // FOR SHARE of the user: a currency change (resolve-currency-change.ts)
    // waits for this credit and then sees the money, or commits first and
    // this credit reads the new currency; never a credit into a wallet whose
    // currency just changed away.
    const rows = await tx.$queryRawUnsafe<{ user_id: number; currency: string }[]>(
      `SELECT u.id AS user_id, trim(u.currency) AS currency FROM identities i JOIN users u ON u.id = i.user_id
        WHERE i.platform = $1 AND i.external_id = $2 FOR SHARE OF u`,
      platform, input.externalId,
    );
    if (!rows[0]) throw new InvalidInputError('external-id', `no supporter ${platform}:${input.externalId}; create one with "flattr supporter set" first`);
    const { user_id: userId, currency } = rows[0];
    const amount = parseAmount(input.amount, input.currency ?? currency);
    if (amount.currency !== currency) throw new InvalidInputError('currency', `the supporter's wallet is in ${currency}, not ${amount.currency}`);
    if (amount.minor <= 0n) throw new InvalidInputError('amount', 'must be more than zero');

    const [external, wallet] = await ensureAccounts(tx, [
      { kind: 'external', currency },
      { kind: 'wallet', userId, currency },
    ]);
    const { created } = await postTransfer(tx, {
      kind: 'funding',
      idempotencyKey: input.idempotencyKey ?? `funding:${randomUUID()}`,
      memo: `wallet credit ${platform}:${input.externalId}`,
      entries: [
        { accountId: external!, currency, amount: -amount.minor },
        { accountId: wallet!, currency, amount: amount.minor },
      ],
    });
    return { userId, credited: amount, balance: { minor: await accountBalance(tx, wallet!), currency }, created };
  });
}
