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
  const rows = await db.$queryRawUnsafe<{ user_id: number | null; currency: string | null }[]>(
    `SELECT i.user_id, u.currency FROM identities i LEFT JOIN users u ON u.id = i.user_id WHERE i.platform = $1 AND i.external_id = $2`,
    platform, input.externalId,
  );
  const userId = rows[0]?.user_id;
  if (userId == null) throw new InvalidInputError('external-id', `no supporter ${platform}:${input.externalId}; create one with "flattr supporter set" first`);
  const currency = rows[0]!.currency!;
  const amount = parseAmount(input.amount, input.currency ?? currency);
  if (amount.currency !== currency) throw new InvalidInputError('currency', `the supporter's wallet is in ${currency}, not ${amount.currency}`);
  if (amount.minor <= 0n) throw new InvalidInputError('amount', 'must be more than zero');

  return db.$transaction(async (tx) => {
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
