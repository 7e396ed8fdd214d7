import { randomBytes } from 'node:crypto';

/** A BullMQ prefix no other test (or run) shares; hash-tagged like production. */
export function randomQueuePrefix(): string {
  return `{t-${randomBytes(5).toString('hex')}}`;
}
