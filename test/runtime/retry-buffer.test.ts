import { describe, expect, it } from 'vitest';
import { createRetryBuffer, type RetryBufferOptions, type RetryDropReason } from '../../src/support/retry-buffer.js';

/** A target that is down until `up()`; records what reached it and when each attempt came. */
function flakyTarget() {
  let down = true;
  const received: number[] = [];
  const attempts: number[] = [];
  return {
    received, attempts,
    up: () => { down = false; },
    down: () => { down = true; },
    send: async (item: number) => {
      attempts.push(Date.now());
      if (down) throw new Error('target down');
      received.push(item);
    },
  };
}

function bufferFor(send: (item: number) => Promise<void>, options: RetryBufferOptions = {}) {
  const dropped: [number, RetryDropReason][] = [];
  const events: string[] = [];
  const buffer = createRetryBuffer<number>({
    send, onDrop: (item, reason) => void dropped.push([item, reason]),
    onFailing: () => void events.push('failing'), onRecovered: () => void events.push('recovered'),
  }, options);
  return { buffer, dropped, events };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createRetryBuffer', () => {
  it('sends at once while the target is up', async () => {
    const target = flakyTarget();
    target.up();
    const { buffer, dropped } = bufferFor(target.send);
    for (const n of [1, 2, 3]) buffer.push(n);
    await buffer.idle();
    expect(target.received).toEqual([1, 2, 3]);
    expect(dropped).toEqual([]);
  });

  it('retries the head with exponential backoff up to its cap, then sends everything in arrival order', async () => {
    const target = flakyTarget();
    const { buffer, dropped, events } = bufferFor(target.send, { initialBackoffMs: 20, maxBackoffMs: 80, concurrency: 1 });
    for (const n of [1, 2, 3, 4, 5]) buffer.push(n);
    await sleep(330);
    const waits = target.attempts.slice(1).map((t, i) => t - target.attempts[i]!);
    // Only the head is tried while the target is down: 20, 40, 80, then 80 again (the cap).
    expect(waits.length).toBeGreaterThanOrEqual(4);
    [20, 40, 80, 80].forEach((wait, i) => expect(waits[i]).toSatisfy((w: number) => w >= wait - 2 && w < 2 * wait));
    expect(buffer.size).toBe(5);
    target.up();
    await buffer.idle();
    expect(target.received).toEqual([1, 2, 3, 4, 5]);
    expect(dropped).toEqual([]);
    expect(events).toEqual(['failing', 'recovered']);
  });

  it('drops what arrives when full, and what has waited too long, saying why', async () => {
    const target = flakyTarget();
    const { buffer, dropped } = bufferFor(target.send, { capacity: 2, maxAgeMs: 60, initialBackoffMs: 10, maxBackoffMs: 10 });
    for (const n of [1, 2, 3]) buffer.push(n);
    expect(dropped).toEqual([[3, 'overflow']]);
    await sleep(100);
    buffer.push(4);
    target.up();
    await buffer.idle();
    expect(dropped).toEqual([[3, 'overflow'], [1, 'expired'], [2, 'expired']]);
    expect(target.received).toEqual([4]);
  });

  it('counts an attempt that never answers as failed, and close() gives up within its bound', async () => {
    const { buffer, dropped } = bufferFor(() => new Promise<void>(() => {}), { attemptTimeoutMs: 30, initialBackoffMs: 10 });
    buffer.push(1);
    buffer.push(2);
    await sleep(50);
    const started = Date.now();
    expect(await buffer.close(100)).toBe(2);
    expect(Date.now() - started).toBeLessThan(400);
    expect(dropped).toEqual([[1, 'shutdown'], [2, 'shutdown']]);
    buffer.push(3);
    expect(dropped.at(-1)).toEqual([3, 'shutdown']);
    await buffer.idle();
  });

  it('uses the time close() gives for one more attempt instead of sleeping through a long backoff', async () => {
    const target = flakyTarget();
    const { buffer, dropped } = bufferFor(target.send, { initialBackoffMs: 30_000 });
    buffer.push(1);
    await sleep(20);
    target.up();
    expect(await buffer.close(1_000)).toBe(0);
    expect(target.received).toEqual([1]);
    expect(dropped).toEqual([]);
  });
});
