import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import type { Money } from '../domain/money.js';
import { claimEscrow } from '../escrow/claim-escrow.js';
import { holdEscrowFenceExclusive } from '../escrow/escrow-fence.js';
import { repointRecipientInRunningRuns } from '../settlement/repoint-recipient.js';
import { resolveOrCreateUser } from '../supporters/resolve-user.js';

/** Long enough to type across apps, short enough to expire before it can be guessed. */
export const LINK_CODE_MINUTES = 15;
// No 0/O, 1/I/L: people copy these by eye between apps.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 8;

export type LinkOutcome = 'linked' | LinkRefusal;
export type LinkRefusal = 'bad_code' | 'expired_code' | 'already_same' | 'owned_elsewhere';
/** What a confirmed link did: the escrow the identity brought with it, moved to the user's balance. */
export type LinkResult = { outcome: LinkOutcome; escrowMoved: Money[] };

/** A fresh single-use code for the user behind this identity (made if needed). */
export async function createLinkCode(db: Db, platform: Platform, externalId: string, now: Date): Promise<string> {
  return db.$transaction(async (tx) => {
    const { userId } = await resolveOrCreateUser(tx, platform, externalId);
    // Spent and expired codes are worthless after a day: keep the table small.
    await tx.$executeRawUnsafe(`DELETE FROM link_codes WHERE expires_at < $1`, new Date(now.getTime() - 24 * 3600_000));
    const code = randomCode();
    await tx.$executeRawUnsafe(
      `INSERT INTO link_codes (code, user_id, expires_at) VALUES ($1, $2, $3)`,
      code, userId, new Date(now.getTime() + LINK_CODE_MINUTES * 60_000),
    );
    return code;
  });
}

/**
 * Joins this identity to the user who made the code, once the person typing
 * it has seen what it does (previewLink) and confirmed: a code is a phishing
 * target, so nothing merges on the code alone (the `confirmed` literal makes
 * a caller say so). The code is spent in the same transaction, so it works
 * once; a refusal rolls back and leaves it usable. An identity that already
 * belongs to another user moves only when that user has nothing of its own
 * (no ledger entries, no other identity).
 */
export async function redeemLinkCode(db: Db, platform: Platform, externalId: string, rawCode: string, now: Date, _confirmed: 'confirmed'): Promise<LinkResult> {
  const code = normalizeLinkCode(rawCode);
  if (!code) return { outcome: 'bad_code', escrowMoved: [] };
  try {
    return await db.$transaction(async (tx) => {
      const found = await findLinkCode(tx, code, now, { lock: true });
      if (typeof found === 'string') return { outcome: found, escrowMoved: [] };
      await tx.$executeRawUnsafe(`UPDATE link_codes SET used_at = $2 WHERE code = $1`, code, now);
      const escrowMoved = await attachIdentity(tx, platform, externalId, found.userId);
      return { outcome: 'linked' as const, escrowMoved };
    });
  } catch (error) {
    if (error instanceof LinkRefusedError) return { outcome: error.outcome, escrowMoved: [] };
    throw error;
  }
}

/** The code as typed, normalized, or undefined when it cannot be one (no database round trip for typos). */
export function normalizeLinkCode(raw: string): string | undefined {
  const code = raw.trim().toUpperCase();
  return new RegExp(`^[${ALPHABET}]{${LENGTH}}$`).test(code) ? code : undefined;
}

/** The user a live code links to; an unknown or spent code and an expired one are told apart for the reply. */
export async function findLinkCode(tx: Db | Tx, code: string, now: Date, options: { lock?: boolean } = {}): Promise<{ userId: number } | 'bad_code' | 'expired_code'> {
  const [row] = await tx.$queryRawUnsafe<{ user_id: number; used: boolean; expired: boolean }[]>(
    `SELECT user_id, used_at IS NOT NULL AS used, expires_at <= $2 AS expired FROM link_codes WHERE code = $1${options.lock ? ' FOR UPDATE' : ''}`, code, now,
  );
  if (!row || row.used) return 'bad_code';
  return row.expired ? 'expired_code' : { userId: row.user_id };
}

/** Thrown inside the transaction so a refusal rolls back and leaves the code unspent. */
export class LinkRefusedError extends Error {
  readonly code = 'LINK_REFUSED';
  constructor(readonly outcome: LinkOutcome) {
    super(`link refused: ${outcome}`);
    this.name = 'LinkRefusedError';
  }
}

/** Joins the identity to this user under the link rules above (also signing in with a platform while signed in, src/web). */
export async function attachIdentity(tx: Tx, platform: Platform, externalId: string, userId: number): Promise<Money[]> {
  const [identity] = await tx.$queryRawUnsafe<{ id: number; user_id: number | null }[]>(
    `SELECT id, user_id FROM identities WHERE platform = $1 AND external_id = $2 FOR UPDATE`, platform, externalId,
  );
  if (!identity) {
    await tx.$executeRawUnsafe(
      `INSERT INTO identities (platform, external_id, user_id, claimed_at) VALUES ($1, $2, $3, now())`, platform, externalId, userId,
    );
    return [];
  }
  if (identity.user_id === userId) throw new LinkRefusedError('already_same');
  if (identity.user_id !== null) {
    // A move. Settlement batches credit the owner's balance as they go: wait
    // for those in flight (the escrow fence) before asking whether the owner
    // has anything, so a credit committing meanwhile makes the move refused.
    await holdEscrowFenceExclusive(tx);
    if (!(await isEmptyUser(tx, identity.user_id, identity.id))) throw new LinkRefusedError('owned_elsewhere');
  }
  await tx.$executeRawUnsafe(`UPDATE identities SET user_id = $1, claimed_at = coalesce(claimed_at, now()) WHERE id = $2`, userId, identity.id);
  // A creator identity someone already flattred: its escrow now belongs to this user (money rule 9).
  if (identity.user_id === null) return claimEscrow(tx, identity.id, userId);
  // Runs still settling credit the identity's owner as they opened with it: from now on, the new one.
  await repointRecipientInRunningRuns(tx, identity.id, userId);
  return [];
}

/** A user with no money history and no identity but this one: moving the identity loses nothing. */
export async function isEmptyUser(tx: Db | Tx, userId: number, identityId: number): Promise<boolean> {
  const [row] = await tx.$queryRawUnsafe<{ busy: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM identities WHERE user_id = $1 AND id <> $2)
         OR EXISTS (SELECT 1 FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.user_id = $1) AS busy`,
    userId, identityId,
  );
  return !row!.busy;
}

function randomCode(): string {
  // 256 % 31 != 0, so reject bytes past the last whole multiple to keep every symbol equally likely.
  const limit = 256 - (256 % ALPHABET.length);
  let code = '';
  while (code.length < LENGTH) {
    for (const byte of randomBytes(LENGTH * 2)) {
      if (byte < limit && code.length < LENGTH) code += ALPHABET[byte % ALPHABET.length];
    }
  }
  return code;
}
