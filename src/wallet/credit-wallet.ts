import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/database.js';
import { InvalidInputError } from '../domain/errors.js';
import { parseAmount, type Money } from '../domain/money.js';
import { accountBalance } from '../ledger/balance.js';
import { parsePlatform } from '../supporters/set-supporter.js';
import { postMoneyIn } from './post-money-in.js';

export type WalletCredit = { platform: string; externalId: string; amount: string; currency?: string; idempotencyKey?: string };
/** `settled`: the part of the credit that paid what the supporter owed (zero when they owed nothing). */
export type WalletCreditResult = { userId: number; credited: Money; settled: Money; balance: Money; created: boolean };

/**
 * Manual funding: money in from outside (external account) to a supporter's
 * wallet, as one balanced transfer. Like a Stripe top-up (postMoneyIn), it
 * pays what the supporter owes after a refund or lost dispute first, which
 * lifts the pause on their likes once settled. The wallet currency is the supporter's;
 * a credit in another currency is refused rather than converted. With an
 * idempotency key, the same credit again returns the first (`created:
 * false`) and anything else under that key is refused (money rule 11).
 */
export async function creditWallet(db: Db, input: WalletCredit): Promise<WalletCreditResult> {
  const platform = parsePlatform(input.platform);
  return db.$transaction(async (tx) => {
    // The user's row lock: a currency change (resolve-currency-change.ts)
    // waits for this credit and then sees the money, or commits first and
    // this credit reads the new currency; never a credit into a wallet whose
    // currency just changed away. FOR UPDATE, not FOR SHARE, because the
    // credit reads what is owed: two credits (or a credit and a top-up,
    // which take the same lock) never both pay one debt.
    const rows = await tx.$queryRawUnsafe<{ user_id: number; currency: string }[]>(
      `SELECT u.id AS user_id, trim(u.currency) AS currency FROM identities i JOIN users u ON u.id = i.user_id
        WHERE i.platform = $1 AND i.external_id = $2 FOR UPDATE OF u`,
      platform, input.externalId,
    );
    if (!rows[0]) throw new InvalidInputError('external-id', `no supporter ${platform}:${input.externalId}; create one with "flattr supporter set" first`);
    const { user_id: userId, currency } = rows[0];
    const amount = parseAmount(input.amount, input.currency ?? currency);
    if (amount.minor <= 0n) throw new InvalidInputError('amount', 'must be more than zero');
    // A key already used is judged by postTransfer against what it named
    // (perhaps a credit made before a currency change); a new one in another
    // currency than the wallet's is refused here.
    if (amount.currency !== currency && !(input.idempotencyKey !== undefined && await keyUsed(tx, input.idempotencyKey))) {
      throw new InvalidInputError('currency', `the supporter's wallet is in ${currency}, not ${amount.currency}`);
    }

    // The same key for another amount, currency or supporter throws
    // IdempotencyKeyConflictError, and the transaction writes nothing.
    const posted = await postMoneyIn(tx, {
      userId, currency: amount.currency, amount: amount.minor, from: 'external',
      kind: 'funding',
      idempotencyKey: input.idempotencyKey ?? `funding:${randomUUID()}`,
      memo: `wallet credit ${platform}:${input.externalId}`,
    });
    return {
      userId, credited: amount, settled: { minor: posted.settled, currency: amount.currency },
      balance: { minor: await accountBalance(tx, posted.walletAccountId), currency: amount.currency }, created: posted.created,
    };
  });
}

async function keyUsed(tx: Tx, key: string): Promise<boolean> {
  return (await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM transfers WHERE idempotency_key = $1`, key)).length > 0;
}
