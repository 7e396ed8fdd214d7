import type { Db } from '../../db/database.js';
import { ensureAccounts } from '../../ledger/accounts.js';
import { postTransfer } from '../../ledger/post-transfer.js';
import { planPayouts, type PlannedPayout } from './plan-payouts.js';
import { readPayoutCandidates } from './read-payout-candidates.js';

export type OpenedPayout = { payoutId: bigint; userId: number; currency: string; amount: bigint; stripeAccountId: string; idempotencyKey: string };

/**
 * Step one of a payout, before Stripe hears of it: the payout row and the
 * ledger debit (creator balance → external_stripe, the money out through Stripe), in one transaction and under
 * the payout's key. The creator's balance is read again under a lock on the
 * creator, so two runs at once (the monthly job and `flattr payouts run`)
 * never pay one balance twice. Returns null when, read again, there is
 * nothing to pay any more (or no longer the planned amount: the next run
 * plans afresh).
 */
export async function openPayout(db: Db, planned: Extract<PlannedPayout, { action: 'pay' }>, minimumText: string): Promise<OpenedPayout | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('payout'), $1::int)`, planned.userId);
    const again = planPayouts(await readPayoutCandidates(tx, planned.userId), minimumText)
      .find((p) => p.currency === planned.currency);
    if (!again || again.action !== 'pay' || again.idempotencyKey !== planned.idempotencyKey || again.amount !== planned.amount) return null;
    const [creator, external] = await ensureAccounts(tx, [
      { kind: 'creator', userId: planned.userId, currency: planned.currency },
      { kind: 'external_stripe', currency: planned.currency },
    ]);
    const { id: ledgerTransferId } = await postTransfer(tx, {
      kind: 'payout',
      idempotencyKey: planned.idempotencyKey,
      memo: `payout to Stripe account ${planned.stripeAccountId}`,
      entries: [
        { accountId: creator!, currency: planned.currency, amount: -planned.amount },
        { accountId: external!, currency: planned.currency, amount: planned.amount },
      ],
    });
    const [row] = await tx.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO payouts (user_id, currency, sequence, amount, stripe_account_id, idempotency_key, ledger_transfer_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      planned.userId, planned.currency, planned.sequence, planned.amount, planned.stripeAccountId, planned.idempotencyKey, ledgerTransferId,
    );
    return { payoutId: row!.id, userId: planned.userId, currency: planned.currency, amount: planned.amount, stripeAccountId: planned.stripeAccountId, idempotencyKey: planned.idempotencyKey };
  });
}

/** Payouts whose ledger debit is written but whose Stripe transfer is not known yet (a crash, a Stripe outage). */
export async function pendingPayouts(db: Db): Promise<OpenedPayout[]> {
  const rows = await db.$queryRawUnsafe<{ id: bigint; user_id: number; currency: string; amount: bigint; stripe_account_id: string; idempotency_key: string }[]>(
    `SELECT id, user_id, trim(currency) AS currency, amount, stripe_account_id, idempotency_key FROM payouts WHERE status = 'pending' ORDER BY id`,
  );
  return rows.map((r) => ({ payoutId: r.id, userId: r.user_id, currency: r.currency, amount: r.amount, stripeAccountId: r.stripe_account_id, idempotencyKey: r.idempotency_key }));
}
