import type { Tx } from '../../db/database.js';
import { ensureAccounts } from '../../ledger/accounts.js';
import { accountBalance } from '../../ledger/balance.js';
import { postTransfer } from '../../ledger/post-transfer.js';
import { postMoneyIn } from '../../wallet/post-money-in.js';

/**
 * The ledger side of money coming in and going back through Stripe, for one
 * supporter. Callers hold the user's row lock (lockUser), so two top-ups or
 * a top-up and a refund of one supporter never read the same receivable.
 */
export async function lockUser(tx: Tx, userId: number): Promise<void> {
  await tx.$queryRawUnsafe(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, userId);
}

async function supporterAccounts(tx: Tx, userId: number, currency: string) {
  const [external, wallet, receivable] = await ensureAccounts(tx, [
    { kind: 'external_stripe', currency },
    { kind: 'wallet', userId, currency },
    { kind: 'receivable', userId, currency },
  ]);
  return { external: external!, wallet: wallet!, receivable: receivable! };
}

/**
 * A paid top-up: from Stripe, first to what the supporter owes (the
 * receivable), the rest to the wallet (postMoneyIn, as a manual wallet credit
 * does). The transfer's key is the Checkout Session's id, so however often
 * Stripe says it was paid it is credited once.
 */
export async function postTopupCredit(tx: Tx, o: { userId: number; currency: string; amount: bigint; sessionId: string }) {
  return postMoneyIn(tx, {
    userId: o.userId, currency: o.currency, amount: o.amount, from: 'external_stripe',
    kind: 'topup', idempotencyKey: `topup:${o.sessionId}`, memo: `stripe top-up ${o.sessionId}`,
  });
}

/**
 * Money Stripe gave back to the card (a refund) or lost (a dispute): out of
 * the wallet as far as it holds it, and the rest, already spent on flattrs,
 * becomes what the supporter owes. Never a negative wallet.
 */
export async function postTopupReversal(tx: Tx, o: { userId: number; currency: string; amount: bigint; reversalId: string; memo: string }) {
  const accounts = await supporterAccounts(tx, o.userId, o.currency);
  const wallet = await accountBalance(tx, accounts.wallet);
  const fromWallet = wallet <= 0n ? 0n : wallet < o.amount ? wallet : o.amount;
  const toReceivable = o.amount - fromWallet;
  const { id, created } = await postTransfer(tx, {
    kind: 'topup_reversal', idempotencyKey: `topup-reversal:${o.reversalId}`, memo: o.memo,
    entries: [
      { accountId: accounts.external, currency: o.currency, amount: o.amount },
      { accountId: accounts.wallet, currency: o.currency, amount: -fromWallet },
      { accountId: accounts.receivable, currency: o.currency, amount: -toReceivable },
    ],
  });
  return { transferId: id, created, fromWallet, toReceivable };
}
