import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { FakeStripeConnect } from './connect-routes.js';

export type FakeStripeServer = { fake: FakeStripeConnect; url: string; client(options?: { maxNetworkRetries?: number }): Stripe; close(): Promise<void> };

/**
 * A local HTTP server for the Connect routes, which the real `stripe` client
 * talks to through its host, port and protocol options.
 */
export async function startFakeStripeConnect(fake = new FakeStripeConnect()): Promise<FakeStripeServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const key = req.headers['idempotency-key'];
      const handled = fake.handle({
        method: req.method ?? 'GET', path: url.pathname, query: url.searchParams,
        form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')), idempotencyKey: typeof key === 'string' ? key : undefined,
      });
      if (!handled) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname})` } }));
        return;
      }
      if (handled.drop === 'stall') return;
      if (handled.drop) {
        req.socket.destroy();
        return;
      }
      res.writeHead(handled.reply.status, { 'content-type': 'application/json', 'request-id': `req_fake`, ...handled.reply.headers }).end(JSON.stringify(handled.reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fake,
    url: `http://127.0.0.1:${port}`,
    client: (options = {}) => new Stripe('sk_test_fake', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: options.maxNetworkRetries ?? 0 }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
