import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../../src/support/micro-batcher.js';

describe('MicroBatcher', () => {
  it('gathers submissions into batches of at most maxSize and hands each its own result', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 2);
    }, { maxSize: 3, maxWaitMs: 5 });
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => batcher.submit(i)));
    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(3);
  });

  it('never runs more than maxInFlight batches at once, and drain waits for all of them', async () => {
    let inFlight = 0;
    let peak = 0;
    const batcher = new MicroBatcher<number, number>(async (items) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return items;
    }, { maxSize: 2, maxWaitMs: 1, maxInFlight: 2 });
    const all = Promise.all(Array.from({ length: 20 }, (_, i) => batcher.submit(i)));
    await batcher.drain();
    expect(inFlight).toBe(0);
    expect(peak).toBe(2);
    expect(await all).toHaveLength(20);
  });

  it('rejects every submission of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>(async (items) => {
      if (calls++ === 0) throw new Error('database down');
      return items;
    }, { maxSize: 2, maxWaitMs: 1 });
    const first = [batcher.submit(1), batcher.submit(2)];
    await expect(Promise.all(first)).rejects.toThrow('database down');
    await expect(first[1]).rejects.toThrow('database down');
    expect(await batcher.submit(3)).toBe(3);
  });
});
