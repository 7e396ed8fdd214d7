import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/database.js';
import type { Metrics } from '../support/metrics.js';
import type { ChannelPacer } from './channel-pacer.js';
import { NoticeSendError } from './notice-send-error.js';
import { claimNotice, loadNotice, previousPartOpen, recordNoticeOutcome, type StoredNotice } from './notice-store.js';
import type { NoticeSenders } from './port.js';

/** How often a digest's later part looks whether the part before it is done. */
const PART_WAIT_MS = 1_000;

/**
 * A channel's turn this close is sat out in place rather than rescheduled:
 * a delayed job comes back late by the queue's latency (50 to 100 ms on a
 * busy 2-core machine, bench/notify), which would come on top of every
 * part of a long digest after the first.
 */
const SHORT_PACE_WAIT_MS = 250;

/** How long a claimed notice is kept from other senders: longer than any send can take (15 s per request, two for a DM). */
export const NOTICE_LEASE_MS = 45_000;

export type DeliverDeps = {
  db: Db;
  senders: NoticeSenders;
  pacer?: ChannelPacer;
  metrics?: Pick<Metrics, 'notices' | 'noticesRateLimited'>;
  leaseMs?: number;
};

export type DeliverOptions = {
  /** The queue's last attempt: a transient failure now ends as failed (retryable by `flattr notify`). */
  finalAttempt: boolean;
};

export type DeliverResult =
  | { outcome: 'sent'; messageId: string; channel: string }
  | { outcome: 'done'; status: string }
  | { outcome: 'skipped'; reason: string }
  /** Not yet: at `at` (ms), because of the channel's pace, the platform's 429, or another sender's lease. */
  | { outcome: 'wait'; at: number; why: 'pace' | 'order' | 'rate_limited' | 'lease' }
  | { outcome: 'failed'; reason: string; message: string; retryable: boolean }
  /** Transient: the queue retries with backoff. */
  | { outcome: 'retry'; reason: string; message: string };

/**
 * Sends one outbox row, at most once in the normal course: it is claimed
 * (attempt recorded, lease taken) before the platform is called and marked
 * sent with the platform's message id right after. A crash between the two
 * leaves the row 'sending' until its lease ends; it is then sent again. On
 * Discord the nonce makes that resend return the first message; on Slack,
 * which has no idempotent post, the window is that one HTTP round trip.
 * Never throws for a platform failure: it says what the queue should do.
 */
export async function deliverNotice(deps: DeliverDeps, id: bigint, o: DeliverOptions): Promise<DeliverResult> {
  const notice = await loadNotice(deps.db, id);
  if (!notice) return { outcome: 'done', status: 'missing' };
  if (notice.status !== 'pending' && notice.status !== 'sending') return { outcome: 'done', status: notice.status };
  if (notice.status === 'sending' && notice.leaseUntil && notice.leaseUntil.getTime() > Date.now()) {
    return { outcome: 'wait', at: notice.leaseUntil.getTime() + 100, why: 'lease' };
  }
  const sender = deps.senders.get(notice.platform);
  if (!sender) return skip(deps, notice, 'no_sender');
  // The parts of a long digest go in order: part 2 waits until part 1 is done with (sent, or failed for good).
  if (notice.part > 1 && (await previousPartOpen(deps.db, notice))) return { outcome: 'wait', at: Date.now() + PART_WAIT_MS, why: 'order' };
  const paceKey = sender.paceKey?.(notice);
  if (paceKey && deps.pacer && sender.paceMs) {
    let wait = await deps.pacer.acquire(paceKey, sender.paceMs);
    if (wait > 0 && wait <= SHORT_PACE_WAIT_MS) {
      await sleep(wait);
      wait = await deps.pacer.acquire(paceKey, sender.paceMs);
    }
    if (wait > 0) return { outcome: 'wait', at: Date.now() + wait, why: 'pace' };
  }
  if (!(await claimNotice(deps.db, id, { leaseMs: deps.leaseMs ?? NOTICE_LEASE_MS }))) {
    return { outcome: 'done', status: 'taken' };
  }
  const count = (outcome: string, reason: string) => deps.metrics?.notices.inc({ platform: notice.platform, kind: notice.kind, outcome, reason });
  try {
    const sent = await sender.send(notice);
    // The platform counts a message when it arrives, which may be well after the turn was taken (a 40 KB post):
    // the next one in this channel waits a full interval from now, the latest it can have arrived.
    if (paceKey && deps.pacer && sender.paceMs) await deps.pacer.block(paceKey, sender.paceMs, Date.now() + sender.paceMs);
    await recordNoticeOutcome(deps.db, id, { status: 'sent', messageId: sent.messageId });
    count('sent', '');
    return { outcome: 'sent', ...sent };
  } catch (thrown) {
    const error = thrown instanceof NoticeSendError ? thrown : new NoticeSendError('transient', 'unexpected', (thrown as Error)?.message ?? String(thrown));
    if (error.kind === 'rate_limited') {
      const at = Date.now() + (error.retryAfterMs ?? 1_000);
      await recordNoticeOutcome(deps.db, id, { status: 'pending', reason: error.reason, error: error.message });
      if (paceKey && deps.pacer && sender.paceMs) await deps.pacer.block(paceKey, sender.paceMs, at);
      deps.metrics?.noticesRateLimited.inc({ platform: notice.platform });
      return { outcome: 'wait', at, why: 'rate_limited' };
    }
    if (error.kind === 'permanent' || o.finalAttempt) {
      const retryable = error.kind !== 'permanent';
      await recordNoticeOutcome(deps.db, id, { status: 'failed', reason: error.reason, error: error.message, retryable });
      count('failed', error.reason);
      return { outcome: 'failed', reason: error.reason, message: error.message, retryable };
    }
    await recordNoticeOutcome(deps.db, id, { status: 'pending', reason: error.reason, error: error.message });
    return { outcome: 'retry', reason: error.reason, message: error.message };
  }
}

async function skip(deps: DeliverDeps, notice: StoredNotice, reason: string): Promise<DeliverResult> {
  await recordNoticeOutcome(deps.db, notice.id, { status: 'skipped', reason });
  deps.metrics?.notices.inc({ platform: notice.platform, kind: notice.kind, outcome: 'skipped', reason });
  return { outcome: 'skipped', reason };
}
