import { createHash } from 'node:crypto';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { startFakeX } from '../../fakes/twitter/server.js';
import { createXWebhookDriver, xaaLikeBody, type XLike } from '../../fakes/twitter/webhook-driver.js';
import { freePort } from '../../support/free-port.js';
import { startTestHub, waitFor, type ContractHarness, type Delivery } from '../contract.js';

export type XDelivery = Delivery & { body: Record<string, unknown> };

/**
 * The real hub (its HTTP server with the X webhook, the ingest worker and the
 * X subscriptions worker, PostgreSQL, Redis) with X pointed at the fake,
 * driven by signed webhook deliveries. PUBLIC_URL is the hub's own address,
 * so the fake's CRC check of the registration reaches it. The clock moves one
 * second per delivery, so every like happens after the one before.
 */
export async function startXHub(options: { env?: Record<string, string>; webhookRefused?: string } = {}) {
  const x = await startFakeX();
  x.refuseWebhookRegistration(options.webhookRefused);
  let t = Date.now() - 60_000;
  const now = () => new Date(t);
  const port = await freePort();
  const test = await startTestHub({
    PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
    TWITTER_CLIENT_ID: x.app.clientId, TWITTER_CLIENT_SECRET: x.app.clientSecret, TWITTER_CONSUMER_SECRET: x.app.consumerSecret,
    TWITTER_BEARER_TOKEN: x.app.bearerToken, TWITTER_API_URL: x.url, ...options.env,
  }, { now }).catch(async (error: unknown) => {
    await x.close();
    throw error;
  });
  const driver = createXWebhookDriver({ hubUrl: test.hub.url!.replace('0.0.0.0', '127.0.0.1'), consumerSecret: x.app.consumerSecret });
  /** A stable numeric X id per logical name. */
  const xId = (name: string) => String(1_000_000_000_000_000n + BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 12)}`));
  const tick = () => (t += 1000);
  if (!options.webhookRefused) await waitFor(() => x.webhooks.size === 1, 'the hub to register its webhook at X');
  else await waitFor(() => x.calls('POST', '/2/webhooks').length === 1, 'the hub to try registering its webhook');
  return {
    ...test, x, driver, xId, now, tick,
    adapter: () => test.hub.adapters.find((a) => a.name === 'twitter')!,
    /** One outbound like by `user` of `author`'s Post `message`, at the hub's clock. */
    like(r: { user: string; author: string; message: string }): XLike {
      tick();
      return { subscriber: xId(r.user), author: xId(r.author), tweet: xId(`tweet:${r.message}`), at: now() };
    },
    supporter: (user: string, budget = '35.00') => setSupporter(test.database.prisma, { platform: 'twitter', externalId: xId(user), budget, active: true, enable: ['twitter'] }),
    async close() {
      await test.close();
      await x.close();
    },
  };
}
export type XHub = Awaited<ReturnType<typeof startXHub>>;

/** The contract harness over a running X hub (webhook mode). */
export async function xContractHarness(): Promise<ContractHarness<XDelivery>> {
  const h = await startXHub();
  return {
    // X sends no unlike event on any self-serve API: only polling (adapters/twitter/poll) sees a like taken back.
    noUnreactions: 'X delivers no unlike by webhook',
    start: () => h.adapter().start(),
    stop: () => h.adapter().stop(),
    close: () => h.close(),
    addSupporter: async (user) => void (await h.supporter(user)),
    async react(r) {
      const body = xaaLikeBody(h.like(r));
      const status = await h.driver.deliver(body);
      if (status !== 200 && status !== 503) throw new Error(`X webhook answered ${status}`);
      return { item: h.xId(`tweet:${r.message}`), status, body };
    },
    async redeliver(d) {
      const status = await h.driver.deliver(d.body);
      if (status !== 200) throw new Error(`X webhook answered ${status}`);
    },
    async sendUnknownPayload() {
      return h.driver.deliver({ data: { event_uuid: `u-${h.tick()}`, event_type: 'follow.follow', filter: { user_id: h.xId('alice') }, payload: {} } });
    },
    badSignature: () => h.driver.deliverWrongSignature(xaaLikeBody(h.like({ user: 'mallory', author: 'bob', message: 'forged' }))),
    drain: () => h.drain(),
  };
}
