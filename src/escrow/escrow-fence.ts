import type { Tx } from '../db/database.js';
import { LOCK_CLASS } from '../db/locks.js';

/**
 * The fence between settlement batches and escrow claims, one advisory lock:
 * a batch holds it shared while it decides claimed-or-escrow and credits; a
 * claim takes it exclusively before reading the escrow it moves. So a claim
 * waits for batches in flight (and then moves what they escrowed) and later
 * batches see the identity claimed. Object 1 of the settlementStart class
 * (ingest uses object 0).
 */
const FENCE = `${LOCK_CLASS.settlementStart}, 1`;

export async function holdEscrowFenceShared(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock_shared(${FENCE})`);
}

export async function holdEscrowFenceExclusive(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${FENCE})`);
}
