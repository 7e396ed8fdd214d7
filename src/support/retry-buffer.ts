/** Why an item was given up: the buffer was full, it waited too long, or the buffer was closed before it could be sent. */
export type RetryDropReason = 'overflow' | 'expired' | 'shutdown';

export type RetryBufferOptions = {
  /** Items held at once, those being sent included; one more is dropped as `overflow`. */
  capacity?: number;
  /** An item that has waited longer than this is dropped as `expired` instead of being tried again. */
  maxAgeMs?: number;
  /** The wait after a failed attempt, doubled at each failure in a row up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** An attempt not settled by then counts as failed (a frozen server never answers); it may still land later. */
  attemptTimeoutMs?: number;
  /** Items sent at once from the head of the buffer. */
  concurrency?: number;
  now?: () => number;
};

export const RETRY_BUFFER_DEFAULTS = {
  capacity: 10_000, maxAgeMs: 60 * 60_000, initialBackoffMs: 100, maxBackoffMs: 30_000, attemptTimeoutMs: 5_000, concurrency: 32,
} as const;

export type RetryBufferHooks<T> = {
  send(item: T): Promise<void>;
  /** Called once for every item given up; it is never sent after this. */
  onDrop(item: T, reason: RetryDropReason): void;
  /** The first failure after a success: the target went away. */
  onFailing?(error: unknown, waiting: number): void;
  /** The first success after failures. */
  onRecovered?(): void;
  /** Items held, after every change. */
  onSize?(held: number): void;
};

export type RetryBuffer<T> = {
  /** Never throws and never waits: the item is sent, kept for a retry, or dropped (and reported). */
  push(item: T): void;
  readonly size: number;
  /** Resolves once every item pushed so far was sent or dropped. */
  idle(): Promise<void>;
  /** Takes no more items, tries for up to timeoutMs to send what it holds, then drops the rest as `shutdown`; resolves with how many. */
  close(timeoutMs: number): Promise<number>;
};

/**
 * A bounded in-memory buffer in front of a send that can fail for a while
 * (the likes queue while Redis is down): items are sent in arrival order, a
 * few at a time; after a failure the head is tried again with exponential
 * backoff, and later items wait behind it. Memory stays bounded by
 * `capacity`, and nothing is given up without `onDrop` hearing of it. `send`
 * must be idempotent: an attempt that timed out may still land, and the
 * item is then sent again (an enqueue keyed by event id is).
 */
export function createRetryBuffer<T>(hooks: RetryBufferHooks<T>, options: RetryBufferOptions = {}): RetryBuffer<T> {
  const o = { ...RETRY_BUFFER_DEFAULTS, ...options };
  const now = options.now ?? Date.now;
  let held: { item: T; since: number }[] = [];
  let pumping: Promise<void> | undefined;
  let failures = 0;
  let closed = false;
  let stopped = false;
  let wake: (() => void) | undefined;
  let markStopped!: () => void;
  const stoppedSignal = new Promise<void>((resolve) => { markStopped = resolve; });

  const report = () => hooks.onSize?.(held.length);
  const kick = () => {
    if (pumping || stopped || held.length === 0) return;
    pumping = pump().catch(() => undefined).finally(() => {
      pumping = undefined;
      kick();
    });
  };
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    wake = done;
    function done() {
      clearTimeout(timer);
      wake = undefined;
      resolve();
    }
  });
  const attempt = (item: T) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${o.attemptTimeoutMs} ms`)), o.attemptTimeoutMs);
    hooks.send(item).then(resolve, reject).finally(() => clearTimeout(timer));
  });

  async function pump(): Promise<void> {
    while (held.length > 0 && !stopped) {
      // Held in arrival order, so the oldest are at the head.
      while (held.length > 0 && now() - held[0]!.since > o.maxAgeMs) hooks.onDrop(held.shift()!.item, 'expired');
      const batch = held.slice(0, o.concurrency);
      const results = await Promise.allSettled(batch.map((entry) => attempt(entry.item)));
      if (stopped) return;
      const failed = batch.filter((_, i) => results[i]!.status === 'rejected');
      held = [...failed, ...held.slice(batch.length)];
      report();
      if (failed.length === 0) {
        if (failures > 0) hooks.onRecovered?.();
        failures = 0;
        continue;
      }
      failures++;
      if (failures === 1) hooks.onFailing?.((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason, held.length);
      await pause(Math.min(o.initialBackoffMs * 2 ** (failures - 1), o.maxBackoffMs));
    }
  }

  const idle = async () => {
    while (pumping && !stopped) await Promise.race([pumping, stoppedSignal]);
  };

  return {
    push(item) {
      if (closed) return hooks.onDrop(item, 'shutdown');
      if (held.length >= o.capacity) return hooks.onDrop(item, 'overflow');
      held.push({ item, since: now() });
      report();
      kick();
    },
    get size() {
      return held.length;
    },
    idle,
    async close(timeoutMs) {
      if (closed) return 0;
      closed = true;
      // Use the time left for one more attempt rather than sleeping through a long backoff.
      wake?.();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([idle(), new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
      clearTimeout(timer);
      stopped = true;
      markStopped();
      wake?.();
      const left = held.splice(0);
      for (const entry of left) hooks.onDrop(entry.item, 'shutdown');
      report();
      return left.length;
    },
  };
}
