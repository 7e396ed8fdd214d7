import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import { startHub, type Hub } from '../../src/main.js';
import { QUEUES } from '../../src/queues.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

/**
 * One contract for every platform adapter (docs/style.md, Adapters and
 * workers), in the spirit of BullMQ's adapter-conformance
 * suite. Each platform supplies a harness that drives the REAL hub through
 * its fake platform; the suite only speaks in people and messages.
 */

/**
 * One delivery the harness made; `item` is the hub's item id for the reacted
 * message, `status` the HTTP answer where the platform pushes over HTTP.
 * Harnesses may add fields.
 */
export type Delivery = { item: string; status?: number };

export type Reaction = {
  /** Logical people and messages ("alice-3", "msg-7"): the harness maps them to platform ids, the same name always to the same id. */
  user: string;
  author: string;
  message: string;
  /** A reaction name as Slack spells it ("star", "heart", "+1"); the harness translates (Discord: "⭐"). */
  emoji: string;
  remove?: boolean;
};
// Each delivery must carry a later time than the one before (Slack event_ts, or the
// injectable clock for Discord's receipt time): an unreaction wins over its reaction
// only because it happened later (money rule 3).

export type DrainResult = {
  /** Items of active flattrs. */
  active: string[];
  /** Payloads dropped so far, by reason: the adapter's (ctx.ignore) and the ingest's (self_like, not_supporter…) together. */
  ignored: Record<string, number>;
  /** The same, by layer: flattr_adapter_ignored_total (the adapter) and flattr_likes_total{outcome="ignored"} (the ingest). */
  adapter: Record<string, number>;
  ingest: Record<string, number>;
  /** Rows in like_events: distinct deliveries the ingest accepted. */
  events: number;
};

export type ContractHarness<D extends Delivery = Delivery> = {
  /** Set (with the reason) where the platform delivers no unreaction to this adapter (X's webhook): the revoke half is skipped. */
  noUnreactions?: string;
  /** Starts the adapter (the hub and fakes may already run). Idempotent. */
  start(): Promise<void>;
  /** Stops the adapter. Idempotent. */
  stop(): Promise<void>;
  /** Open connections from the hub to the platform (Discord: gateway sockets on the fake); absent where the platform pushes over HTTP. */
  platformConnections?(): number;
  /** Tears everything down (hub, fakes, database); called once at the end. */
  close(): Promise<void>;
  /** Makes `user` an active supporter with a budget, opted in on this platform, default trigger emoji. */
  addSupporter(user: string): Promise<void>;
  /**
   * One reaction as the platform would deliver it; resolves once the platform got its answer or the dispatch was sent.
   * While the adapter is stopped it still delivers (the platform does not know) and must not throw.
   */
  react(reaction: Reaction): Promise<D>;
  /** The same delivery again, as the platform retries it (Slack: X-Slack-Retry-Num; Discord: the same dispatch after a resume). */
  redeliver(delivery: D): Promise<void>;
  /** A payload the adapter does not handle (an unknown event type); resolves to the HTTP status where there is one. */
  sendUnknownPayload(): Promise<number | void>;
  /** A request with a wrong signature, where the platform signs requests; resolves to the HTTP status. */
  badSignature?(): Promise<number>;
  /** Waits until every delivery so far has been handled by the adapter and the ingest, then reads the outcome. */
  drain(): Promise<DrainResult>;
};

export function runAdapterContract<D extends Delivery>(name: string, makeHarness: () => Promise<ContractHarness<D>>): void {
  describe(`adapter contract: ${name}`, () => {
    let h: ContractHarness<D>;
    let n = 0;
    const fresh = (what: string) => `${what}-${++n}`;
    beforeAll(async () => {
      h = await makeHarness();
      await h.start();
    });
    afterAll(async () => {
      await h?.stop();
      await h?.close();
    });

    it('turns a supporter\'s reaction into a flattr, and the unreaction revokes it', async () => {
      const [alice, bob, message] = [fresh('alice'), fresh('bob'), fresh('msg')];
      await h.addSupporter(alice);
      const d = await h.react({ user: alice, author: bob, message, emoji: 'star' });
      expect((await h.drain()).active).toContain(d.item);
      if (h.noUnreactions) return;
      const undone = await h.react({ user: alice, author: bob, message, emoji: 'star', remove: true });
      expect(undone.item).toBe(d.item);
      expect((await h.drain()).active).not.toContain(d.item);
    });

    it('rejects a request with a bad signature and records nothing', async (ctx) => {
      if (!h.badSignature) ctx.skip();
      const before = await h.drain();
      expect(await h.badSignature!()).toBe(401);
      const after = await h.drain();
      expect(after.events).toBe(before.events);
      expect(after.active).toEqual(before.active);
    });

    // Both adapters drop a self-reaction before the queue, under the ingest's own name for it
    // (the ingest drops it too when it gets one, e.g. a like of the same person's linked identity).
    it('drops a self-reaction in the adapter, counted as self_like', async () => {
      const alice = fresh('alice');
      await h.addSupporter(alice);
      const before = await h.drain();
      const d = await h.react({ user: alice, author: alice, message: fresh('msg'), emoji: 'star' });
      const after = await h.drain();
      expect(after.active).not.toContain(d.item);
      expect(delta(before.adapter, after.adapter)).toEqual({ self_like: 1 });
      expect(delta(before.ingest, after.ingest)).toEqual({});
      expect(after.events).toBe(before.events);
    });

    it('delivers a non-supporter\'s reaction to the ingest, which ignores it as not_supporter', async () => {
      const before = await h.drain();
      const d = await h.react({ user: fresh('carol'), author: fresh('bob'), message: fresh('msg'), emoji: 'star' });
      const after = await h.drain();
      expect(after.active).not.toContain(d.item);
      expect(delta(before.adapter, after.adapter)).toEqual({});
      expect(delta(before.ingest, after.ingest)).toEqual({ not_supporter: 1 });
      expect(after.events).toBe(before.events);
    });

    it('counts a duplicate delivery once', async () => {
      const [alice, bob] = [fresh('alice'), fresh('bob')];
      await h.addSupporter(alice);
      const before = await h.drain();
      const d = await h.react({ user: alice, author: bob, message: fresh('msg'), emoji: 'heart' });
      await h.redeliver(d);
      await h.redeliver(d);
      const after = await h.drain();
      expect(after.events).toBe(before.events + 1);
      expect(after.active.filter((item) => item === d.item)).toHaveLength(1);
    });

    it('acknowledges an unknown payload and ignores it with a reason', async () => {
      const before = await h.drain();
      const status = await h.sendUnknownPayload();
      if (typeof status === 'number') expect(status).toBe(200);
      const after = await h.drain();
      expect(Object.values(delta(before.adapter, after.adapter))).toEqual([1]);
      expect(delta(before.ingest, after.ingest)).toEqual({});
      expect(after.events).toBe(before.events);
    });

    it('starts and stops twice leaving nothing behind; stopped it delivers nothing; started again it works', async () => {
      const [alice, bob] = [fresh('alice'), fresh('bob')];
      await h.addSupporter(alice);
      const connected = h.platformConnections?.();
      if (connected !== undefined) expect(connected).toBeGreaterThan(0);

      await h.stop();
      const stopped = await settledResources();
      await h.start();
      await h.start();
      // A second start opens nothing more: no second gateway connection, no listening socket.
      if (connected !== undefined) expect(h.platformConnections!()).toBe(connected);
      expect((await settledResources()).servers).toBe(stopped.servers);
      await h.stop();
      await h.stop();
      if (connected !== undefined) await waitFor(() => h.platformConnections!() === 0, 'the platform connections to close');
      // Nothing the cycle opened is left: no listening socket, no socket to the platform, no timer.
      await expectResourcesBack(stopped);

      const before = await h.drain();
      const missed = await h.react({ user: alice, author: bob, message: fresh('msg'), emoji: 'star' });
      // Where the platform pushes over HTTP, a stopped adapter answers 5xx, so the platform redelivers later.
      if (missed.status !== undefined) expect(missed.status).toBeGreaterThanOrEqual(500);
      const whileStopped = await h.drain();
      expect(whileStopped.events).toBe(before.events);
      expect(whileStopped.ignored).toEqual(before.ignored);

      await h.start();
      if (connected !== undefined) expect(h.platformConnections!()).toBe(connected);
      const d = await h.react({ user: alice, author: bob, message: fresh('msg'), emoji: '+1' });
      const after = await h.drain();
      expect(after.active).toContain(d.item);
      expect(after.active).not.toContain(missed.item);
      expect(after.events).toBe(before.events + 1);
    });
  });
}

/** How much each reason grew between two drains (reasons that did not move are left out). */
function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [reason, n] of Object.entries(after)) if (n !== (before[reason] ?? 0)) grown[reason] = n - (before[reason] ?? 0);
  return grown;
}

type Resources = { servers: number; sockets: number; timers: number };

/** This process's listening sockets, open sockets and timers (Node's active resources). */
function resources(): Resources {
  const all = process.getActiveResourcesInfo();
  const count = (type: string) => all.filter((r) => r === type).length;
  return { servers: count('TCPServerWrap'), sockets: count('TCPSocketWrap'), timers: count('Timeout') };
}

/** Resources once transient ones (a request's timer, a closing socket) have had a moment to go. */
async function settledResources(): Promise<Resources> {
  await new Promise((r) => setTimeout(r, 200));
  return resources();
}

/**
 * Waits until the process holds no more than it did at `baseline`: the hub's
 * own queues and pools come and go, so a short wait lets them settle, while
 * whatever an adapter leaked stays and fails the test naming it.
 */
async function expectResourcesBack(baseline: Resources): Promise<void> {
  let now = resources();
  const deadline = Date.now() + 8_000;
  while (now.servers > baseline.servers || now.sockets > baseline.sockets || now.timers > baseline.timers) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
    now = resources();
  }
  expect(now.servers).toBe(baseline.servers);
  expect(now.sockets).toBeLessThanOrEqual(baseline.sockets);
  expect(now.timers).toBeLessThanOrEqual(baseline.timers);
}

/** Polls until `check` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A real hub (role all: HTTP, adapters, ingest worker) on a fresh queue prefix
 * and a fresh database: PostgreSQL by default, or the embedded PGlite default
 * in a temporary directory (then `database.prisma` is the hub's own client).
 */
export async function startTestHub(env: Record<string, string>, options: { now?: () => Date; database?: 'postgres' | 'pglite' } = {}) {
  const postgres: TestDatabase | undefined = options.database === 'pglite' ? undefined : await createPostgresDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-adapter-'));
  const hub = await startHub(loadConfig({
    ...(postgres && { DATABASE_URL: postgres.url }), REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), PORT: '0', HOST: '127.0.0.1',
    DATA_DIR: dataDir, LOG_LEVEL: 'silent', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(16).toString('hex'), SESSION_SECRET: randomBytes(32).toString('hex'), ...env,
  }), { role: 'all', now: options.now }).catch(async (error: unknown) => {
    await postgres?.drop();
    throw error;
  });
  const database: { prisma: Db; url?: string } = postgres ?? { prisma: (await hub.runtime.db()).prisma };
  return {
    hub, database,
    drain: () => drainHub(hub, database.prisma),
    async close() {
      const likes = await hub.runtime.queue(QUEUES.likes);
      await likes.obliterate({ force: true }).catch(() => {});
      await hub.close();
      await postgres?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits for the likes queue to be idle, then reads flattrs, ignore counters and recorded events. */
export async function drainHub(hub: Hub, db: Db): Promise<DrainResult> {
  const likes = await hub.runtime.queue(QUEUES.likes);
  await waitFor(async () => {
    const counts = await likes.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((c) => c === 0);
  }, 'the likes queue to drain').catch(async (error: Error) => {
    // Name why: a retried job's last failure is the usual culprit.
    const counts = await likes.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    const reasons = (await likes.getJobs(['delayed', 'failed'], 0, 3)).map((j) => j.failedReason).filter(Boolean);
    throw new Error(`${error.message}: ${JSON.stringify(counts)} ${reasons.join('; ')}`);
  });
  const ignored: Record<string, number> = {};
  const adapter: Record<string, number> = {};
  const ingest: Record<string, number> = {};
  const add = (into: Record<string, number>, reason: string, n: number) => void (into[reason] = (into[reason] ?? 0) + n);
  for (const v of (await hub.runtime.metrics.adapterIgnored.get()).values) {
    add(adapter, String(v.labels.reason), v.value);
    add(ignored, String(v.labels.reason), v.value);
  }
  for (const v of (await hub.runtime.metrics.likes.get()).values) {
    if (v.labels.outcome !== 'ignored') continue;
    add(ingest, String(v.labels.reason), v.value);
    add(ignored, String(v.labels.reason), v.value);
  }
  const active = (await db.$queryRawUnsafe<{ item: string }[]>(`SELECT item FROM flattrs WHERE status = 'active' ORDER BY item`)).map((r) => r.item);
  const [{ n }] = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*)::int8 AS n FROM like_events`) as [{ n: bigint }];
  return { active, ignored, adapter, ingest, events: Number(n) };
}
