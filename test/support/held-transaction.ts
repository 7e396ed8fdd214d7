import type { Db, Tx } from '../../src/db/database.js';

/**
 * Runs `work` in a transaction and keeps it open, uncommitted, until
 * `commit()`: for staging a write another transaction must wait on.
 */
export async function holdTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<{ value: T; commit: () => Promise<void> }> {
  let done!: (value: T) => void;
  const worked = new Promise<T>((resolve) => { done = resolve; });
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  const transaction = db.$transaction(async (tx) => {
    done(await work(tx));
    await released;
  });
  // A failure before `work` finished rejects here rather than hanging the test.
  const value = await Promise.race([worked, transaction.then(() => { throw new Error('transaction ended before its work'); })]);
  return { value, commit: async () => { release(); await transaction; } };
}
