import type { Db, Tx } from '../db/database.js';
import { ensureAccounts } from '../ledger/accounts.js';
import { postTransfer, type EntryInput } from '../ledger/post-transfer.js';

export type EscrowRefund = {
  accountId: number; identityId: number; platform: string; externalId: string; currency: string;
  payerUserId: number; amount: bigint; lastEntryId: bigint;
};
export type EscrowReleaseResult = { applied: boolean; cutoff: Date; refunds: EscrowRefund[]; transfers: number };

/**
 * Per unclaimed escrow account and paying supporter: the money credited
 * before the cutoff that is still there (credits older than the hold, less
 * what has already gone back). Newer money stays until it too is old.
 */
const RELEASABLE = `
WITH escrow AS (
  SELECT a.id, a.identity_id, a.currency, i.platform, i.external_id
    FROM accounts a JOIN identities i ON i.id = a.identity_id
   WHERE a.kind = 'escrow' AND i.user_id IS NULL
), per_payer AS (
  SELECT e.account_id, e.payer_user_id,
         coalesce(sum(e.amount) FILTER (WHERE e.amount > 0 AND t.created_at <= $1), 0) AS old_in,
         coalesce(sum(e.amount) FILTER (WHERE e.amount < 0), 0) AS out,
         sum(e.amount) AS balance, max(e.id)::int8 AS last_entry_id
    FROM entries e JOIN transfers t ON t.id = e.transfer_id
   WHERE e.account_id IN (SELECT id FROM escrow) AND e.payer_user_id IS NOT NULL
   GROUP BY 1, 2
)
SELECT x.id AS account_id, x.identity_id, x.platform, x.external_id, trim(x.currency) AS currency, p.payer_user_id,
       least(p.balance, p.old_in + p.out)::int8 AS amount, p.last_entry_id
  FROM per_payer p JOIN escrow x ON x.id = p.account_id
 WHERE least(p.balance, p.old_in + p.out) > 0
 ORDER BY x.id, p.payer_user_id`;

type Row = { account_id: number; identity_id: number; platform: string; external_id: string; currency: string; payer_user_id: number; amount: bigint; last_entry_id: bigint };

/**
 * Money rule 9: escrow unclaimed after ESCROW_HOLD_DAYS goes back to the
 * wallets of the supporters who paid it, exactly, one transfer per escrow
 * account. `apply: false` is the dry run: the same figures, nothing written.
 * Applying locks the identities and escrow accounts first, so a claim racing
 * with it either happens before (nothing to release) or after (it claims
 * what is left).
 */
export async function releaseEscrow(db: Db, options: { holdDays: number; now?: Date; apply: boolean }): Promise<EscrowReleaseResult> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.holdDays * 24 * 3600_000);
  if (!options.apply) {
    return { applied: false, cutoff, refunds: (await db.$queryRawUnsafe<Row[]>(RELEASABLE, cutoff)).map(toRefund), transfers: 0 };
  }
  return db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(
      `SELECT i.id FROM identities i WHERE i.user_id IS NULL AND EXISTS (SELECT 1 FROM accounts a WHERE a.kind = 'escrow' AND a.identity_id = i.id)
        ORDER BY i.id FOR UPDATE`);
    await tx.$queryRawUnsafe(`SELECT id FROM accounts WHERE kind = 'escrow' ORDER BY id FOR UPDATE`);
    const refunds = (await tx.$queryRawUnsafe<Row[]>(RELEASABLE, cutoff)).map(toRefund);
    let transfers = 0;
    for (const group of groupBy(refunds, (r) => r.accountId)) {
      if (await postRefund(tx, group)) transfers++;
    }
    return { applied: true, cutoff, refunds, transfers };
  }, { timeout: 10 * 60_000, maxWait: 60_000 });
}

async function postRefund(tx: Tx, group: EscrowRefund[]): Promise<boolean> {
  const { accountId, currency } = group[0]!;
  const wallets = await ensureAccounts(tx, group.map((r) => ({ kind: 'wallet' as const, userId: r.payerUserId, currency })));
  const entries: EntryInput[] = group.flatMap((r, i) => [
    { accountId, currency, amount: -r.amount, payerUserId: r.payerUserId },
    { accountId: wallets[i]!, currency, amount: r.amount },
  ]);
  const last = group.reduce((m, r) => (r.lastEntryId > m ? r.lastEntryId : m), 0n);
  const { created } = await postTransfer(tx, {
    kind: 'escrow_release', idempotencyKey: `escrow-release:${accountId}:${last}`,
    memo: `escrow of ${group[0]!.platform}:${group[0]!.externalId} unclaimed past the hold`, entries,
  });
  return created;
}

function toRefund(r: Row): EscrowRefund {
  return {
    accountId: r.account_id, identityId: r.identity_id, platform: r.platform, externalId: r.external_id, currency: r.currency,
    payerUserId: r.payer_user_id, amount: r.amount, lastEntryId: r.last_entry_id,
  };
}

function groupBy<T>(items: T[], key: (t: T) => number): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return [...groups.values()];
}
