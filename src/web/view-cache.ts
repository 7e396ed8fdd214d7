/** A view's data, and what answers were made of it (a rendered page, a JSON text), which live and die with it. */
export type Cached<V> = { value: V; memo: Map<string, unknown> };

type Entry<V> = { at: number; cached: Promise<Cached<V>>; weight: number; refreshing?: boolean };

/** Renderings kept per view at most: a page number or a query string a reader invents makes another. */
const MAX_MEMO = 64;

/**
 * What a signed-in page shows, kept per user for a short while. Reading it
 * costs round trips and tens of ms (the month's split of 10,000 flattrs, a
 * creator's 100,000 received), while the same reader asks again and again
 * (a dashboard open in tabs, a script polling the API); so views within
 * `ttlMs` of each other share one reading, and concurrent views wait for the
 * same one. For `staleMs` past `ttlMs` a view is answered from what is kept
 * while the next reading is made, so under steady views none waits for a
 * refresh (waiting, every view in flight took the reading's time: bench/web's
 * p99); later than that, a view reads afresh. What changes through
 * this process (a budget, an undo, a sign-in that claims an account) is seen
 * at once: the change forgets the user's views (`forgetUser`); what changes
 * elsewhere (a like heard by a worker, a settlement, a chat command in
 * another process) shows within `ttlMs` and one reading, and never later
 * than `ttlMs + staleMs`.
 * Bounded by the weight of what it holds (e.g. flattr rows), oldest first out.
 */
export class ViewCache<V> {
  private readonly users = new Map<number, Map<string, Entry<V>>>();
  private weight = 0;

  /**
   * `ttlMs`: how long a reading answers views as it is; `staleMs`: how much
   * longer it answers them while the next reading is made; past both, a view
   * waits for a new reading (a reader back after a while never sees old money).
   */
  constructor(private readonly o: { ttlMs: number; staleMs: number; maxWeight: number; weigh: (value: V) => number }) {}

  get(userId: number, key: string, nowMs: number, read: () => Promise<V>): Promise<Cached<V>> {
    const hit = this.users.get(userId)?.get(key);
    const age = hit ? nowMs - hit.at : Infinity;
    // Older than ttlMs + staleMs (nobody looked for a while, or the clock went back): not shown, read afresh.
    if (hit && age >= 0 && age < this.o.ttlMs + this.o.staleMs) {
      if (age >= this.o.ttlMs && !hit.refreshing) {
        hit.refreshing = true;
        // The next reading replaces this one once made; until then (or if it fails) views keep this one.
        this.start(userId, key, nowMs, read, hit).then(() => undefined, () => { hit.refreshing = false; });
      }
      return hit.cached;
    }
    return this.start(userId, key, nowMs, read);
  }

  private start(userId: number, key: string, nowMs: number, read: () => Promise<V>, replacing?: Entry<V>): Promise<Cached<V>> {
    const entry: Entry<V> = { at: nowMs, weight: 0, cached: read().then((value) => ({ value, memo: new Map() })) };
    if (!replacing) this.place(userId, key, entry);
    entry.cached.then((cached) => {
      const views = this.users.get(userId);
      // Only if nothing took the place meanwhile (a forget, another reading).
      if (views?.get(key) !== (replacing ?? entry)) return;
      if (replacing) this.place(userId, key, entry);
      entry.weight = this.o.weigh(cached.value);
      this.weight += entry.weight;
      this.trim();
    }, () => {
      const views = this.users.get(userId);
      if (views?.get(key) === entry) this.remove(userId, key);
    });
    return entry.cached;
  }

  private place(userId: number, key: string, entry: Entry<V>): void {
    this.remove(userId, key);
    let views = this.users.get(userId);
    if (!views) this.users.set(userId, (views = new Map()));
    views.set(key, entry);
  }

  private remove(userId: number, key: string): void {
    const views = this.users.get(userId);
    const entry = views?.get(key);
    if (!views || !entry) return;
    this.weight -= entry.weight;
    views.delete(key);
    if (views.size === 0) this.users.delete(userId);
  }

  /** After a change made through this process: the user's next views read afresh. */
  forgetUser(userId: number): void {
    for (const key of [...(this.users.get(userId)?.keys() ?? [])]) this.remove(userId, key);
  }

  private trim(): void {
    for (const [userId, views] of this.users) {
      if (this.weight <= this.o.maxWeight || this.users.size <= 1) return;
      for (const key of [...views.keys()]) this.remove(userId, key);
    }
  }
}

/** What a view made of its data once, kept with it: `make` runs on the first ask only, until the data is read again. */
export function memoized<T>(cached: Cached<unknown>, key: string, make: () => T): T {
  if (cached.memo.has(key)) return cached.memo.get(key) as T;
  if (cached.memo.size >= MAX_MEMO) cached.memo.clear();
  const made = make();
  cached.memo.set(key, made);
  return made;
}
