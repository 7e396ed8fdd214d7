import type Stripe from 'stripe';
import { createStripe } from '../../../src/payments/stripe-client.js';
import { FakeStripeConnect } from './connect-routes.js';
import { startFakeStripe, type FakeStripe } from './server.js';

/** A scripted failure of the next `times` matching requests: an error status, or (`lose`) the answer lost after the work was done. */
export type ConnectFault = { method: string; path: string; times: number; status?: number; lose?: 'drop' | 'hang' };

export type FakeStripeServer = {
  /** The Connect state and the shared fake's requests, balance transactions and failures, in one place for payout tests. */
  fake: FakeStripeConnect & {
    requests: FakeStripe['requests'];
    balanceTransactions: FakeStripe['balanceTransactions'];
    fail(fault: ConnectFault): void;
    waitForRequests(method: string, path: string, count: number, timeoutMs?: number): Promise<void>;
  };
  shared: FakeStripe;
  url: string;
  secretKey: string;
  /** The hub's own client (createStripe) pointed at the fake. */
  client(): Stripe;
  close(): Promise<void>;
};

/** The shared fake Stripe (server.ts) with the Connect routes plugged in. */
export async function startFakeStripeConnect(): Promise<FakeStripeServer> {
  const shared = await startFakeStripe();
  const connect = new FakeStripeConnect({ addBalanceTransaction: (t) => shared.addBalanceTransaction(t) as { id: string } });
  for (const route of connect.sharedRoutes()) shared.addRoute(route);
  const fake = Object.assign(connect, {
    requests: shared.requests,
    balanceTransactions: shared.balanceTransactions,
    fail(fault: ConnectFault) {
      shared.failNext({ status: fault.status ?? 500, times: fault.times, method: fault.method, path: new RegExp(`^${fault.path}$`), after: Boolean(fault.lose), lose: fault.lose });
    },
    async waitForRequests(method: string, path: string, count: number, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (shared.requests.filter((r) => r.method === method && r.path === path).length < count) {
        if (Date.now() > deadline) throw new Error(`fake Stripe: ${count} ${method} ${path} not received within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  });
  return {
    fake, shared, url: shared.url, secretKey: shared.secretKey,
    client: () => createStripe({ secretKey: shared.secretKey, apiUrl: shared.url }),
    close: () => shared.close(),
  };
}
