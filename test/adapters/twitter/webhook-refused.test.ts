import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXHub, type XHub } from './x-harness.js';

/** X refusing the webhook at start is a line in the log, not a stopped hub: the routes still answer, likes still count. */
describe('X refuses the webhook at start', () => {
  let h: XHub;
  beforeAll(async () => { h = await startXHub({ webhookRefused: 'Webhook URL must use https' }); });
  afterAll(async () => { await h?.close(); });

  it('the hub runs on: it tried once, X holds no webhook, and signed deliveries are still taken', async () => {
    expect(h.x.calls('POST', '/2/webhooks')).toHaveLength(1);
    expect(h.x.webhooks.size).toBe(0);
    expect((await h.driver.crc('still-here')).status).toBe(200);
    await h.supporter('refused-alice');
    const before = await h.drain();
    expect(await h.driver.deliverXaaLike(h.like({ user: 'refused-alice', author: 'refused-bob', message: 'refused-1' }))).toBe(200);
    expect((await h.drain()).events).toBe(before.events + 1);
  });
});
