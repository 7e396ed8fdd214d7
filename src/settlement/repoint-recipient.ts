import type { Tx } from '../db/database.js';
import { ensureAccounts } from '../ledger/accounts.js';

/** Rows of a period whose run is not settled: running, or still opening (not committed yet). */
const UNSETTLED = `NOT EXISTS (SELECT 1 FROM settlement_runs x WHERE x.period = r.period AND x.status = 'settled')`;

/**
 * A run decides where each recipient is credited when it opens
 * (settlement_recipients). When an identity is claimed, or moved to another
 * user by a link code, while runs are still settling, their remaining
 * batches must credit its new owner, not the escrow the claim is emptying
 * or the user it left: this re-points the identity's rows in every run not
 * settled yet, including one whose opening has not committed. Call it under
 * the exclusive escrow fence (claimEscrow and a link-code move do), so no
 * batch is between reading those rows and committing.
 */
export async function repointRecipientInRunningRuns(tx: Tx, identityId: number, userId: number): Promise<void> {
  const rows = await tx.$queryRawUnsafe<{ currency: string }[]>(
    `SELECT DISTINCT trim(r.currency) AS currency FROM settlement_recipients r
      WHERE r.identity_id = $1 AND r.creator_id IS DISTINCT FROM $2 AND ${UNSETTLED}`,
    identityId, userId,
  );
  if (rows.length === 0) return;
  const currencies = rows.map((r) => r.currency);
  const accounts = await ensureAccounts(tx, currencies.map((currency) => ({ kind: 'creator' as const, userId, currency })));
  await tx.$executeRawUnsafe(
    `UPDATE settlement_recipients r SET creator_id = $2, account_id = a.id
       FROM unnest($3::text[], $4::int[]) AS a(currency, id)
      WHERE r.identity_id = $1 AND r.creator_id IS DISTINCT FROM $2 AND ${UNSETTLED} AND trim(r.currency) = a.currency`,
    identityId, userId, currencies, accounts,
  );
}
