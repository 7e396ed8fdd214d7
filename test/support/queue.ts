import { randomBytes } from 'node:crypto';

/** Every prefix this test file made, so its keys can be removed when the file ends (test/support/redis-cleanup.ts). */
export const usedQueuePrefixes = new Set<string>();

/** The run's tag (set by the global setup), so a run can tell its own leftovers from another run's. */
export const TEST_RUN_TAG = process.env.FLATTR_TEST_RUN ?? 'solo';

/** A BullMQ prefix no other test (or run) shares; hash-tagged like production. */
export function randomQueuePrefix(): string {
  const prefix = `{t-${TEST_RUN_TAG}-${randomBytes(5).toString('hex')}}`;
  usedQueuePrefixes.add(prefix);
  return prefix;
}
