import type { Tx } from '../db/database.js';

export type IdentityRow = { id: number; platform: string; external_id: string; user_id: number | null };
export const identityKey = (platform: string, externalId: string) => `${platform}\u0000${externalId}`;

/** Existing identities for (platform, externalId) pairs, keyed by identityKey. */
export async function findIdentities(tx: Tx, pairs: readonly (readonly [string, string])[]): Promise<Map<string, IdentityRow>> {
  if (pairs.length === 0) return new Map();
  const rows = await tx.$queryRawUnsafe<IdentityRow[]>(
    `SELECT i.id, i.platform, i.external_id, i.user_id FROM identities i
       JOIN unnest($1::text[], $2::text[]) AS w(platform, external_id) USING (platform, external_id)`,
    pairs.map((p) => p[0]), pairs.map((p) => p[1]),
  );
  return new Map(rows.map((r) => [identityKey(r.platform, r.external_id), r]));
}

/**
 * Makes unclaimed identities for creators the hub has not seen yet. Sorted so
 * concurrent batches take the unique index's locks in one order.
 */
export async function createUnclaimedIdentities(tx: Tx, pairs: readonly (readonly [string, string])[]): Promise<Map<string, IdentityRow>> {
  if (pairs.length === 0) return new Map();
  const sorted = [...pairs].sort((a, b) => (identityKey(...a) < identityKey(...b) ? -1 : 1));
  await tx.$executeRawUnsafe(
    `INSERT INTO identities (platform, external_id)
     SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (platform, external_id) DO NOTHING`,
    sorted.map((p) => p[0]), sorted.map((p) => p[1]),
  );
  return findIdentities(tx, sorted);
}
