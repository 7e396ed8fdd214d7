import type { Tx } from '../db/database.js';
import { ensureAccounts } from '../ledger/accounts.js';
import { accountBalance } from '../ledger/balance.js';
import { postTransfer } from '../ledger/post-transfer.js';

export type MoneyIn = {
  userId: number;
  currency: string;
  amount: bigint;
  /** Where the money comes from: `external_stripe` for a Stripe top-up, `external` for a manual `wallet credit`. */
  from: 'external' | 'external_stripe';
  kind: string;
  idempotencyKey: string;
  memo: string;
};

export type MoneyInResult = { transferId: bigint; created: boolean; settled: bigint; toWallet: bigint; walletAccountId: number };

/**
 * Money coming into a supporter's wallet, from Stripe or by hand: first to
 * what they owe after a refund or lost dispute (the receivable), the rest to
 * the wallet. Settling the receivable is what lifts the `receivable_open`
 * pause on their likes (the ingest reads the balance). The one place this
 * split is made. The caller holds the user's row lock (FOR UPDATE), so two
 * credits never both pay the same debt.
 *
 * The split depends on what was owed when the money first came in, so a
 * replay of the same key is judged against that first split (not against
 * today's receivable): the same operation again returns the first transfer,
 * another amount or account under the key is refused by postTransfer.
 */
export async function postMoneyIn(tx: Tx, o: MoneyIn): Promise<MoneyInResult> {
  const [external, wallet, receivable] = await ensureAccounts(tx, [
    { kind: o.from, currency: o.currency },
    { kind: 'wallet', userId: o.userId, currency: o.currency },
    { kind: 'receivable', userId: o.userId, currency: o.currency },
  ]);
  const settled = (await firstSettled(tx, o.idempotencyKey, receivable!)) ?? owedPart(-(await accountBalance(tx, receivable!)), o.amount);
  const { id, created } = await postTransfer(tx, {
    kind: o.kind, idempotencyKey: o.idempotencyKey, memo: o.memo,
    entries: [
      { accountId: external!, currency: o.currency, amount: -o.amount },
      { accountId: receivable!, currency: o.currency, amount: settled },
      { accountId: wallet!, currency: o.currency, amount: o.amount - settled },
    ],
  });
  return { transferId: id, created, settled, toWallet: o.amount - settled, walletAccountId: wallet! };
}

/** What of `amount` pays what is owed: all of it, or the debt if smaller; nothing when nothing is owed. */
function owedPart(owed: bigint, amount: bigint): bigint {
  if (owed <= 0n) return 0n;
  return owed < amount ? owed : amount;
}

/** The part a transfer already posted under this key paid to the receivable (0 if it paid none), or undefined when the key is new. */
async function firstSettled(tx: Tx, key: string, receivable: number): Promise<bigint | undefined> {
  const [row] = await tx.$queryRawUnsafe<{ settled: bigint }[]>(
    `SELECT coalesce((SELECT sum(e.amount) FROM entries e WHERE e.transfer_id = t.id AND e.account_id = $2), 0)::int8 AS settled
       FROM transfers t WHERE t.idempotency_key = $1`,
    key, receivable,
  );
  return row?.settled;
}
