import type { MonthShares } from './month-shares.js';

/** A computed split, and what views made of it (a rendered page of the table), which live and die with it. */
export type CachedMonth = { shares: MonthShares; memo: Map<string, string> };

type Entry = { stamp: string; at: number; month: Promise<CachedMonth>; rows: number; refreshing?: boolean };

/**
 * The month's split, kept per supporter for a short while. Computing it
 * reads and ranks every active flattr of the month (tens of ms for 10,000),
 * while a view needs only a page of them; so views within `ttlMs` of each
 * other share one computation, and concurrent views wait for the same one.
 * The stamp (period, currency, budget, wallet) comes from a cheap read on
 * every view, so a change of those is seen at once (the view waits for the
 * new split); a change of the flattrs themselves by another process (a new
 * like, an undo in chat) shows within `ttlMs` and one computation: past
 * `ttlMs` a view is answered from the split it has while the next one is
 * computed, so no view waits for a refresh (waiting, every view in flight
 * took the computation's time: the bench's p99). An undo or budget change
 * made here is seen at once (forget).
 * Bounded by the flattr rows it holds, oldest entry out first.
 */
export class MonthCache {
  private readonly entries = new Map<number, Entry>();
  private rows = 0;

  constructor(private readonly o: { ttlMs: number; maxRows: number }) {}

  get(userId: number, stamp: string, nowMs: number, compute: () => Promise<MonthShares>): Promise<CachedMonth> {
    const hit = this.entries.get(userId);
    if (hit && hit.stamp === stamp) {
      const fresh = nowMs - hit.at < this.o.ttlMs && nowMs >= hit.at;
      if (!fresh && !hit.refreshing) {
        hit.refreshing = true;
        // The fresh split replaces this one once computed; until then (or if it fails) views keep this one.
        this.start(userId, stamp, nowMs, compute).then(() => undefined, () => { hit.refreshing = false; });
      }
      return hit.month;
    }
    this.forget(userId);
    return this.start(userId, stamp, nowMs, compute);
  }

  private start(userId: number, stamp: string, nowMs: number, compute: () => Promise<MonthShares>): Promise<CachedMonth> {
    const entry: Entry = { stamp, at: nowMs, rows: 0, month: compute().then((shares) => ({ shares, memo: new Map<string, string>() })) };
    const previous = this.entries.get(userId);
    const replacing = previous?.stamp === stamp && previous.refreshing;
    if (!replacing) this.entries.set(userId, entry);
    entry.month.then((month) => {
      if (replacing) {
        // Only if nothing newer took the place meanwhile (a forget, another stamp).
        if (this.entries.get(userId) !== previous) return;
        this.forget(userId);
        this.entries.set(userId, entry);
      } else if (this.entries.get(userId) !== entry) return;
      entry.rows = month.shares.count;
      this.rows += entry.rows;
      this.trim();
    }, () => {
      if (this.entries.get(userId) === entry) this.entries.delete(userId);
    });
    return entry.month;
  }

  /** After a change made through this process (budget, undo): the next view computes afresh. */
  forget(userId: number): void {
    const entry = this.entries.get(userId);
    if (!entry) return;
    this.rows -= entry.rows;
    this.entries.delete(userId);
  }

  private trim(): void {
    for (const [userId] of this.entries) {
      if (this.rows <= this.o.maxRows || this.entries.size <= 1) return;
      this.forget(userId);
    }
  }
}
