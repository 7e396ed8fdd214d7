import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseStripeForm } from './form.js';
import { createSavedCards } from './saved-cards.js';

/**
 * A fake Stripe API that the real `stripe` client talks to (its host, port
 * and protocol options, set from STRIPE_API_URL by src/payments/stripe-client.ts).
 * It answers in Stripe's documented object shapes (https://docs.stripe.com/api)
 * and keeps everything in memory:
 * - POST /v1/checkout/sessions, GET /v1/checkout/sessions/:id; a session is
 *   paid, expired, refunded or disputed by the test (`payCheckoutSession`,
 *   `refundCharge`, `loseDispute`...), which returns the event Stripe would
 *   send; test/fakes/stripe/webhook-driver.ts delivers it signed.
 * - GET /v1/payment_intents/:id and /v1/charges/:id (with `expand[]` of
 *   latest_charge, balance_transaction), GET /v1/balance_transactions (newest
 *   first, `created[gte]`, `limit`, `starting_after`) and /:id, GET
 *   /v1/refunds (`charge`), GET /v1/disputes/:id, GET /v1/events/:id.
 * - Saved cards (saved-cards.ts): customers, setup-mode Checkout Sessions,
 *   GET /v1/setup_intents/:id, payment methods (detach), and PaymentIntents
 *   confirmed off-session, which succeed or fail as the test set the card.
 * - The secret key is checked (401 authentication_error otherwise).
 * - `Idempotency-Key` on POSTs: the same key with the same parameters answers
 *   the first response again (`Idempotent-Replayed: true`), with other
 *   parameters 400 `idempotency_error`, as Stripe does
 *   (https://docs.stripe.com/api/idempotent_requests).
 * - Scripted failures (`failNext`): 429s and 5xx before the work, or after it
 *   (`after: true`, the work done and the answer lost), so retries under the
 *   same key can be tested.
 * More endpoints plug in with `addRoute` (or `routes` at start), each in its
 * own file; they may add balance transactions with `addBalanceTransaction`.
 */

// Stripe objects are open-ended JSON.
export type StripeObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type FakeStripeRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** Form body (POST) or query (GET), bracketed keys unfolded. */
  params: StripeObject;
  idempotencyKey?: string;
  /** The Stripe-Account header (calls made on behalf of a connected account). */
  stripeAccount?: string;
  at: number;
};

export type FakeStripeReply = { status: number; body: unknown; headers?: Record<string, string> };

export type FakeStripeRoute = {
  method: string;
  pattern: RegExp;
  handle(match: RegExpMatchArray, request: FakeStripeRequest, stripe: FakeStripe): FakeStripeReply | Promise<FakeStripeReply>;
};

/** One scripted failure: answer `status` to the next `times` matching requests; with `after`, once the work is done. */
export type ScriptedFailure = {
  status: number; times?: number; method?: string; path?: RegExp; after?: boolean;
  /**
   * With `after`: instead of answering `status`, drop the connection (`drop`:
   * the caller sees a network error) or never answer (`hang`: the caller waits,
   * as a process killed mid-call would), the work done and kept under its key.
   */
  lose?: 'drop' | 'hang';
};

export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;

/** 1.5 % + 0.25, the card fee for EEA cards; the hub only reads what the balance transaction says. */
export function fakeCardFee(amount: number): number {
  return Math.floor((amount * 15 + 500) / 1000) + 25;
}

export async function startFakeStripe(options: { secretKey?: string; routes?: FakeStripeRoute[]; now?: () => number } = {}) {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(12).toString('hex')}`;
  const clock = options.now ?? (() => Date.now());
  const seconds = () => Math.floor(clock() / 1000);
  const routes: FakeStripeRoute[] = [];
  const failures: (ScriptedFailure & { left: number })[] = [];
  const idempotent = new Map<string, { fingerprint: string; reply: FakeStripeReply }>();
  const requests: FakeStripeRequest[] = [];
  const sessions = new Map<string, StripeObject>();
  const paymentIntents = new Map<string, StripeObject>();
  const charges = new Map<string, StripeObject>();
  const refunds = new Map<string, StripeObject>();
  const disputes = new Map<string, StripeObject>();
  const events = new Map<string, StripeObject>();
  const balanceTransactions: StripeObject[] = [];
  let base = '';

  const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;
  const error = (status: number, type: string, message: string, extra: StripeObject = {}): FakeStripeReply =>
    ({ status, body: { error: { type, message, ...extra } } });
  const notFound = (what: string, value: string) => error(404, 'invalid_request_error', `No such ${what}: '${value}'`, { code: 'resource_missing', param: 'id' });

  function addBalanceTransaction(o: { amount: number; currency: string; type: string; source: string; fee?: number; reportingCategory?: string; description?: string }): StripeObject {
    const fee = o.fee ?? 0;
    const txn: StripeObject = {
      id: id('txn'), object: 'balance_transaction', amount: o.amount, available_on: seconds() + 7 * 86400, created: seconds(),
      currency: o.currency.toLowerCase(), description: o.description ?? null, exchange_rate: null, fee,
      fee_details: fee ? [{ amount: fee, application: null, currency: o.currency.toLowerCase(), description: 'Stripe processing fees', type: 'stripe_fee' }] : [],
      net: o.amount - fee, reporting_category: o.reportingCategory ?? o.type, source: o.source, status: 'pending', type: o.type,
    };
    balanceTransactions.push(txn);
    return txn;
  }

  /** An event as Stripe sends it (https://docs.stripe.com/api/events/object), kept for GET /v1/events/:id. */
  function event(type: string, object: StripeObject, previous?: StripeObject): StripeObject {
    const e: StripeObject = {
      id: id('evt'), object: 'event', api_version: '2025-11-17.clover', created: seconds(),
      data: { object: structuredClone(object), ...(previous && { previous_attributes: previous }) },
      livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type,
    };
    events.set(e.id, e);
    return e;
  }

  function createSession(p: StripeObject): FakeStripeReply {
    if (p.mode === 'setup') return savedCards.createSetupSession(p);
    if (p.mode !== 'payment') return error(400, 'invalid_request_error', 'This fake supports mode=payment only.', { param: 'mode' });
    const items = (p.line_items ?? []) as StripeObject[];
    if (items.length === 0) return error(400, 'invalid_request_error', 'line_items is required in payment mode.', { param: 'line_items' });
    let total = 0;
    let currency: string | undefined;
    for (const item of items) {
      const unit = Number(item.price_data?.unit_amount);
      const quantity = Number(item.quantity ?? 1);
      if (!Number.isSafeInteger(unit) || unit < 1 || !Number.isSafeInteger(quantity) || quantity < 1) {
        return error(400, 'invalid_request_error', 'Invalid integer: unit_amount and quantity must be positive integers.', { param: 'line_items' });
      }
      currency = String(item.price_data.currency ?? '').toLowerCase();
      total += unit * quantity;
    }
    if (!currency || !/^[a-z]{3}$/.test(currency)) return error(400, 'invalid_request_error', 'Invalid currency.', { param: 'currency' });
    // Stripe's minimum charge amounts (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts), for the currencies tests use.
    const minimum = ({ gbp: 30, jpy: 50, huf: 17500 } as Record<string, number>)[currency] ?? 50;
    if (total < minimum) {
      return error(400, 'invalid_request_error', `The Checkout Session's total amount due must add up to at least ${minimum} ${currency.toUpperCase()} in minor units.`, { code: 'amount_too_small', param: 'line_items[0][price_data][unit_amount]' });
    }
    if (!p.success_url) return error(400, 'invalid_request_error', 'Missing required param: success_url.', { param: 'success_url' });
    const session: StripeObject = {
      id: id('cs'), object: 'checkout.session', amount_subtotal: total, amount_total: total, cancel_url: p.cancel_url ?? null,
      client_reference_id: p.client_reference_id ?? null, created: seconds(), currency, customer: null,
      customer_details: null, customer_email: p.customer_email ?? null, expires_at: seconds() + 24 * 3600, livemode: false,
      locale: p.locale ?? null, metadata: p.metadata ?? {}, mode: 'payment', payment_intent: null,
      payment_intent_data_metadata: p.payment_intent_data?.metadata ?? {},
      payment_status: 'unpaid', status: 'open', success_url: p.success_url, url: '',
    };
    session.url = `${base}/checkout/${session.id}`;
    sessions.set(session.id, session);
    return { status: 200, body: publicSession(session) };
  }

  /** The session as the API shows it (the fake's own bookkeeping fields left out). */
  function publicSession(session: StripeObject): StripeObject {
    const { payment_intent_data_metadata: _, ...shown } = session;
    return structuredClone(shown);
  }

  /**
   * The supporter pays on Stripe's page: a payment intent, its charge and
   * balance transaction (with the card fee), and the session complete. With
   * `async` (a bank debit) the session completes unpaid and
   * `settleAsyncPayment` later succeeds or fails it.
   */
  function payCheckoutSession(sessionId: string, o: { async?: boolean } = {}): StripeObject {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    if (session.status !== 'open') throw new Error(`session ${sessionId} is ${session.status}`);
    const intent: StripeObject = {
      id: id('pi'), object: 'payment_intent', amount: session.amount_total, amount_received: 0, currency: session.currency,
      created: seconds(), latest_charge: null, livemode: false, metadata: session.payment_intent_data_metadata, status: 'processing',
    };
    paymentIntents.set(intent.id, intent);
    Object.assign(session, { status: 'complete', payment_intent: intent.id, payment_status: o.async ? 'unpaid' : 'paid', customer_details: { email: 'supporter@example.test' } });
    if (!o.async) capture(intent);
    return event('checkout.session.completed', publicSession(session));
  }

  function settleAsyncPayment(sessionId: string, outcome: 'succeeded' | 'failed'): StripeObject {
    const session = sessions.get(sessionId)!;
    const intent = paymentIntents.get(session.payment_intent)!;
    if (outcome === 'succeeded') {
      capture(intent);
      session.payment_status = 'paid';
      return event('checkout.session.async_payment_succeeded', publicSession(session));
    }
    intent.status = 'requires_payment_method';
    return event('checkout.session.async_payment_failed', publicSession(session));
  }

  function capture(intent: StripeObject): void {
    const charge: StripeObject = {
      id: id('ch'), object: 'charge', amount: intent.amount, amount_captured: intent.amount, amount_refunded: 0,
      balance_transaction: null, captured: true, created: seconds(), currency: intent.currency, disputed: false,
      livemode: false, metadata: intent.metadata, paid: true, payment_intent: intent.id, refunded: false,
      refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: '' }, status: 'succeeded',
    };
    charge.refunds.url = `/v1/charges/${charge.id}/refunds`;
    charge.balance_transaction = addBalanceTransaction({ amount: charge.amount, currency: charge.currency, type: 'charge', source: charge.id, fee: fakeCardFee(charge.amount) }).id;
    charges.set(charge.id, charge);
    Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: charge.id });
  }

  /** A refund of part or all of a charge (the dashboard's or the API's): the `charge.refunded` event. */
  function refundCharge(chargeId: string, amount?: number): StripeObject {
    const charge = charges.get(chargeId);
    if (!charge) throw new Error(`no charge ${chargeId}`);
    const value = amount ?? charge.amount - charge.amount_refunded;
    if (value < 1 || charge.amount_refunded + value > charge.amount) throw new Error(`cannot refund ${value} of ${chargeId}`);
    const refund: StripeObject = {
      id: id('re'), object: 'refund', amount: value, balance_transaction: null, charge: charge.id, created: seconds(),
      currency: charge.currency, metadata: {}, payment_intent: charge.payment_intent, reason: 'requested_by_customer', status: 'succeeded',
    };
    refund.balance_transaction = addBalanceTransaction({ amount: -value, currency: charge.currency, type: 'refund', source: refund.id }).id;
    refunds.set(refund.id, refund);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += value;
    charge.refunded = charge.amount_refunded === charge.amount;
    charge.refunds.data.unshift(refund);
    charge.refunds.total_count += 1;
    return event('charge.refunded', charge, previous);
  }

  /**
   * A dispute opened on a charge (Stripe withdraws the amount and a dispute
   * fee at once) and closed lost: the `charge.dispute.created` and
   * `charge.dispute.closed` events.
   */
  function loseDispute(chargeId: string, amount?: number): { created: StripeObject; closed: StripeObject; dispute: StripeObject } {
    const charge = charges.get(chargeId);
    if (!charge) throw new Error(`no charge ${chargeId}`);
    const dispute: StripeObject = {
      id: id('dp'), object: 'dispute', amount: amount ?? charge.amount, balance_transactions: [], charge: charge.id, created: seconds(),
      currency: charge.currency, is_charge_refundable: false, livemode: false, metadata: {}, payment_intent: charge.payment_intent,
      reason: 'fraudulent', status: 'needs_response',
    };
    dispute.balance_transactions.push(addBalanceTransaction({ amount: -dispute.amount, currency: charge.currency, type: 'adjustment', reportingCategory: 'dispute', source: dispute.id, fee: 1500 }));
    disputes.set(dispute.id, dispute);
    charge.disputed = true;
    const created = event('charge.dispute.created', dispute);
    dispute.status = 'lost';
    return { created, closed: event('charge.dispute.closed', dispute, { status: 'needs_response' }), dispute };
  }

  function expireSession(sessionId: string): StripeObject {
    const session = sessions.get(sessionId)!;
    session.status = 'expired';
    return event('checkout.session.expired', publicSession(session));
  }

  /** `expand[]` paths this fake resolves: an id field replaced by its object. */
  function expand(object: StripeObject, paths: string[]): StripeObject {
    const copy = structuredClone(object);
    for (const path of paths) {
      let node: StripeObject | undefined = copy;
      const parts = path.split('.');
      parts.forEach((field, i) => {
        if (!node || typeof node[field] !== 'string') { node = node?.[field]; return; }
        const value = node[field] as string;
        const found = lookup(value);
        if (found) node[field] = structuredClone(found);
        node = i < parts.length - 1 ? node[field] : undefined;
      });
    }
    return copy;
  }

  function lookup(objectId: string): StripeObject | undefined {
    if (objectId.startsWith('ch_')) return charges.get(objectId);
    if (objectId.startsWith('pi_')) return paymentIntents.get(objectId);
    if (objectId.startsWith('txn_')) return balanceTransactions.find((t) => t.id === objectId);
    if (objectId.startsWith('cs_')) return sessions.get(objectId);
    return savedCards.lookup(objectId);
  }

  const savedCards = createSavedCards({ id, seconds, event, capture, error, notFound, sessions, paymentIntents, base: () => base });

  const expands = (p: StripeObject): string[] => (Array.isArray(p.expand) ? p.expand.map(String) : []);

  function listBalanceTransactions(p: StripeObject): FakeStripeReply {
    const limit = Math.min(Math.max(Number(p.limit ?? 10), 1), 100);
    const gte = p.created?.gte !== undefined ? Number(p.created.gte) : -Infinity;
    const lte = p.created?.lte !== undefined ? Number(p.created.lte) : Infinity;
    let list = [...balanceTransactions].reverse().filter((t) => t.created >= gte && t.created <= lte && (!p.type || t.type === p.type));
    if (p.starting_after) list = list.slice(list.findIndex((t) => t.id === p.starting_after) + 1);
    return { status: 200, body: { object: 'list', data: list.slice(0, limit), has_more: list.length > limit, url: '/v1/balance_transactions' } };
  }

  /** GET /v1/refunds (`charge`, `limit`, `starting_after`): newest first, as Stripe lists them. */
  function listRefunds(p: StripeObject): FakeStripeReply {
    const limit = Math.min(Math.max(Number(p.limit ?? 10), 1), 100);
    let list = [...refunds.values()].reverse().filter((r) => !p.charge || r.charge === p.charge);
    if (p.starting_after) list = list.slice(list.findIndex((r) => r.id === p.starting_after) + 1);
    return { status: 200, body: { object: 'list', data: list.slice(0, limit).map((r) => structuredClone(r)), has_more: list.length > limit, url: '/v1/refunds' } };
  }

  const builtIn: FakeStripeRoute[] = [
    { method: 'POST', pattern: /^\/v1\/checkout\/sessions$/, handle: (_m, r) => createSession(r.params) },
    { method: 'GET', pattern: /^\/v1\/checkout\/sessions\/([^/]+)$/, handle: (m, r) => {
      const s = sessions.get(m[1]!);
      return s ? { status: 200, body: expand(publicSession(s), expands(r.params)) } : notFound('checkout.session', m[1]!);
    } },
    { method: 'GET', pattern: /^\/v1\/payment_intents\/([^/]+)$/, handle: (m, r) => {
      const pi = paymentIntents.get(m[1]!);
      return pi ? { status: 200, body: expand(pi, expands(r.params)) } : notFound('payment_intent', m[1]!);
    } },
    { method: 'GET', pattern: /^\/v1\/charges\/([^/]+)$/, handle: (m, r) => {
      const ch = charges.get(m[1]!);
      return ch ? { status: 200, body: expand(ch, expands(r.params)) } : notFound('charge', m[1]!);
    } },
    { method: 'GET', pattern: /^\/v1\/balance_transactions$/, handle: (_m, r) => listBalanceTransactions(r.params) },
    { method: 'GET', pattern: /^\/v1\/setup_intents\/([^/]+)$/, handle: (m, r) => {
      const seti = savedCards.lookup(m[1]!);
      return seti?.object === 'setup_intent' ? { status: 200, body: expand(seti, expands(r.params)) } : notFound('setup_intent', m[1]!);
    } },
    ...savedCards.routes,
    { method: 'GET', pattern: /^\/v1\/balance_transactions\/([^/]+)$/, handle: (m) => {
      const t = balanceTransactions.find((b) => b.id === m[1]);
      return t ? { status: 200, body: t } : notFound('balance_transaction', m[1]!);
    } },
    { method: 'GET', pattern: /^\/v1\/refunds$/, handle: (_m, r) => listRefunds(r.params) },
    { method: 'GET', pattern: /^\/v1\/disputes\/([^/]+)$/, handle: (m) => {
      const d = disputes.get(m[1]!);
      return d ? { status: 200, body: d } : notFound('dispute', m[1]!);
    } },
    { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, handle: (m) => {
      const e = events.get(m[1]!);
      return e ? { status: 200, body: e } : notFound('event', m[1]!);
    } },
  ];

  /** Replies that lose the answer on purpose (ScriptedFailure.lose). */
  const lost = new WeakMap<FakeStripeReply, 'drop' | 'hang'>();

  async function answer(request: FakeStripeRequest): Promise<FakeStripeReply> {
    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      return error(401, 'invalid_request_error', 'Invalid API Key provided.', { code: 'api_key_invalid' });
    }
    const failure = failures.find((f) => f.left > 0 && (!f.method || f.method === request.method) && (!f.path || f.path.test(request.path)));
    if (failure && !failure.after) {
      failure.left -= 1;
      return failed(failure.status);
    }
    const key = request.idempotencyKey && request.method === 'POST' ? `${request.stripeAccount ?? ''}|${request.idempotencyKey}` : undefined;
    const fingerprint = `${request.method} ${request.path} ${request.rawBody}`;
    const stored = key ? idempotent.get(key) : undefined;
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        return error(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${request.idempotencyKey}' if you meant to execute a different request.`);
      }
      return { ...stored.reply, headers: { ...stored.reply.headers, 'idempotent-replayed': 'true' } };
    }
    const route = [...routes, ...builtIn].find((r) => r.method === request.method && r.pattern.test(request.path));
    if (!route) return error(404, 'invalid_request_error', `Unrecognized request URL (${request.method}: ${request.path}).`);
    const reply = await route.handle(request.path.match(route.pattern)!, request, stripe);
    // Stripe keeps the result of a request that began executing, errors included (not 5xx: those may be retried).
    if (key && reply.status < 500) idempotent.set(key, { fingerprint, reply });
    if (failure?.after) {
      failure.left -= 1;
      const answer = failed(failure.status);
      if (failure.lose) lost.set(answer, failure.lose);
      return answer;
    }
    return reply;
  }

  function failed(status: number): FakeStripeReply {
    if (status === 429) return error(429, 'invalid_request_error', 'Too many requests hit the API too quickly.', { code: 'rate_limit' });
    if (status >= 500) return error(status, 'api_error', 'Something went wrong on Stripe\'s end.');
    return error(status, 'invalid_request_error', 'Scripted failure.');
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake-stripe');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'GET' && url.pathname.startsWith('/checkout/')) {
        // Stripe's hosted page, as far as a browser following the redirect sees it.
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Fake Stripe Checkout</title><p>Pay</p>');
        return;
      }
      const header = (name: string) => (typeof req.headers[name] === 'string' ? req.headers[name] as string : undefined);
      const request: FakeStripeRequest = {
        method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, rawBody,
        params: req.method === 'GET' || req.method === 'DELETE' ? parseStripeForm(url.searchParams) : parseStripeForm(rawBody),
        idempotencyKey: header('idempotency-key'), stripeAccount: header('stripe-account'), at: clock(),
      };
      requests.push(request);
      answer(request).then((reply) => {
        const lose = lost.get(reply);
        if (lose === 'hang') return;
        if (lose === 'drop') {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(7).toString('hex')}`, ...reply.headers });
        res.end(JSON.stringify(reply.body));
      }, (err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stripe = {
    url: base,
    secretKey,
    requests,
    sessions, paymentIntents, charges, refunds, disputes, events, balanceTransactions,
    id,
    now: seconds,
    error,
    addRoute(route: FakeStripeRoute) { routes.push(route); },
    /** The next `times` (default 1) matching requests fail with `status`; `after`: once the work is done. */
    failNext(failure: ScriptedFailure) { failures.push({ ...failure, left: failure.times ?? 1 }); },
    /** Requests to a path (a POST's idempotency keys tell retries apart from new calls). */
    requestsTo(method: string, path: RegExp) { return requests.filter((r) => r.method === method && path.test(r.path)); },
    addBalanceTransaction,
    event,
    payCheckoutSession,
    settleAsyncPayment,
    refundCharge,
    loseDispute,
    expireSession,
    ...savedCards.helpers,
    /** The events Stripe sent about an object (a PaymentIntent's succeeded or payment_failed), oldest first; of one type if given. */
    eventsAbout(objectId: string, type?: string): StripeObject[] {
      return [...events.values()].filter((e) => e.data.object.id === objectId && (!type || e.type === type));
    },
    /** The charge of a paid session. */
    chargeOf(sessionId: string): StripeObject {
      const intent = paymentIntents.get(sessions.get(sessionId)?.payment_intent);
      const charge = intent?.latest_charge ? charges.get(intent.latest_charge) : undefined;
      if (!charge) throw new Error(`session ${sessionId} has no charge`);
      return charge;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  for (const route of options.routes ?? []) routes.push(route);
  return stripe;
}
