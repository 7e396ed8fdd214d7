import { randomBytes } from 'node:crypto';
import type { FakeStripeRoute } from './server.js';

/**
 * The Stripe Connect endpoints payouts and reconciliation use, as Stripe
 * documents them (objects trimmed to the fields the hub reads, plus `id`,
 * `object`, `created`): POST /v1/accounts, POST /v1/account_links,
 * POST /v1/transfers, GET /v1/balance_transactions. Idempotency-Key is
 * honoured as Stripe does: the same key with the same parameters answers the
 * first response again, with other parameters a 400 idempotency_error. A
 * route module: mount it on a server (connect-server.ts, or the shared fake
 * Stripe server) by calling `handle`.
 */
export type FakeRequest = { method: string; path: string; query: URLSearchParams; form: URLSearchParams; idempotencyKey?: string };
export type FakeReply = { status: number; body: unknown; headers?: Record<string, string> };

export type FakeAccount = { id: string; object: 'account'; type: string; charges_enabled: boolean; payouts_enabled: boolean; requirements: { currently_due: string[] }; metadata: Record<string, string>; created: number };
export type FakeTransfer = {
  id: string; object: 'transfer'; amount: number; currency: string; destination: string; created: number; transfer_group: string | null;
  metadata: Record<string, string>; reversed: boolean; amount_reversed: number; balance_transaction: string;
  reversals: { object: 'list'; data: FakeReversal[]; has_more: false };
};
export type FakeReversal = { id: string; object: 'transfer_reversal'; amount: number; currency: string; transfer: string; created: number; balance_transaction: string };
export type FakeBalanceTransaction = { id: string; object: 'balance_transaction'; amount: number; fee: number; net: number; currency: string; type: string; source: string | null; created: number; description: string | null };

/**
 * A planned misbehaviour for the next matching requests: answer an error, or
 * take the request and drop the connection (`before` or `after` doing the
 * work), or do the work and never answer (`stall`: the caller hangs, as when
 * its process is killed mid-call).
 */
export type Fault = { method: string; path: string; times: number; status?: number; body?: unknown; drop?: 'before' | 'after' | 'stall'; headers?: Record<string, string> };

export class FakeStripeConnect {
  readonly accounts = new Map<string, FakeAccount>();
  readonly transfers = new Map<string, FakeTransfer>();
  readonly balanceTransactions: FakeBalanceTransaction[] = [];
  /** Every request received, in order (method, path, idempotency key). */
  readonly requests: Array<{ method: string; path: string; idempotencyKey?: string }> = [];
  private readonly idempotent = new Map<string, { fingerprint: string; reply: FakeReply }>();
  private readonly faults: Fault[] = [];
  /** The platform's available balance per currency (lowercase); a currency absent is unlimited. */
  readonly available = new Map<string, number>();
  now = () => Math.floor(Date.now() / 1000);

  /**
   * `addBalanceTransaction`: where balance transactions go when these routes
   * are plugged into the shared fake (server.ts), so its GET
   * /v1/balance_transactions lists transfers and reversals with the rest.
   */
  constructor(private readonly shared: { addBalanceTransaction?: (t: { amount: number; currency: string; type: string; source: string }) => { id: string } } = {}) {}

  /** The Connect routes for the shared fake Stripe (server.ts `addRoute`), which does Idempotency-Key and scripted failures itself. */
  sharedRoutes(): FakeStripeRoute[] {
    const serve = (method: string, pattern: RegExp): FakeStripeRoute => ({
      method, pattern,
      handle: (_match, request) => {
        const route = this.route({ method: request.method, path: request.path, query: request.query, form: new URLSearchParams(request.method === 'GET' ? '' : request.rawBody) });
        return route ? route() : { status: 404, body: error('resource_missing', `Unrecognized request URL (${request.method}: ${request.path})`) };
      },
    });
    return [serve('POST', /^\/v1\/accounts$/), serve('POST', /^\/v1\/account_links$/), serve('POST', /^\/v1\/transfers$/), serve('GET', /^\/v1\/accounts\/[^/]+$/)];
  }

  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Resolves once `count` requests matching method and path have arrived. */
  async waitForRequests(method: string, path: string, count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.filter((r) => r.method === method && r.path === path).length < count) {
      if (Date.now() > deadline) throw new Error(`fake Stripe: ${count} ${method} ${path} not received within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The reply, 'drop' when the connection must be dropped after the request was handled, or undefined when no route matches. */
  handle(request: FakeRequest): { reply: FakeReply; drop?: Fault['drop'] } | undefined {
    this.requests.push({ method: request.method, path: request.path, idempotencyKey: request.idempotencyKey });
    const fault = this.faults.find((f) => f.times > 0 && f.method === request.method && request.path.startsWith(f.path));
    if (fault) fault.times--;
    if (fault?.drop === 'before') return { reply: { status: 500, body: {} }, drop: 'before' };
    if (fault?.status) return { reply: { status: fault.status, body: fault.body ?? error('api_error', 'fake failure'), headers: fault.headers } };
    const route = this.route(request);
    if (!route) return undefined;
    const reply = request.method === 'POST' && request.idempotencyKey ? this.once(request, route) : route();
    return { reply, drop: fault?.drop };
  }

  private once(request: FakeRequest, route: () => FakeReply): FakeReply {
    const fingerprint = `${request.method} ${request.path} ${[...request.form].sort().join('&')}`;
    const seen = this.idempotent.get(request.idempotencyKey!);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        return { status: 400, body: error('idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with.`) };
      }
      return { ...seen.reply, headers: { ...seen.reply.headers, 'idempotent-replayed': 'true' } };
    }
    const reply = route();
    // Stripe does not store 5xx answers against the key; everything else it replays.
    if (reply.status < 500) this.idempotent.set(request.idempotencyKey!, { fingerprint, reply });
    return reply;
  }

  private route(r: FakeRequest): (() => FakeReply) | undefined {
    if (r.method === 'POST' && r.path === '/v1/accounts') return () => ok(this.createAccount(r.form));
    if (r.method === 'POST' && r.path === '/v1/account_links') return () => this.createAccountLink(r.form);
    if (r.method === 'POST' && r.path === '/v1/transfers') return () => this.createTransfer(r.form);
    if (r.method === 'GET' && r.path === '/v1/balance_transactions') return () => ok(this.listBalanceTransactions(r.query));
    const account = /^\/v1\/accounts\/([^/]+)$/.exec(r.path);
    if (r.method === 'GET' && account) return () => (this.accounts.has(account[1]!) ? ok(this.accounts.get(account[1]!)) : notFound('account', account[1]!));
    return undefined;
  }

  private createAccount(form: URLSearchParams): FakeAccount {
    const account: FakeAccount = {
      id: `acct_${randomBytes(8).toString('hex')}`, object: 'account', type: form.get('type') ?? 'express',
      charges_enabled: false, payouts_enabled: false, requirements: { currently_due: ['external_account', 'tos_acceptance.date'] },
      metadata: metadataOf(form), created: this.now(),
    };
    this.accounts.set(account.id, account);
    return account;
  }

  private createAccountLink(form: URLSearchParams): FakeReply {
    const account = form.get('account');
    if (!account || !this.accounts.has(account)) return notFound('account', account ?? '');
    for (const field of ['refresh_url', 'return_url', 'type']) if (!form.get(field)) return { status: 400, body: error('parameter_missing', `Missing required param: ${field}.`) };
    return ok({ object: 'account_link', created: this.now(), expires_at: this.now() + 300, url: `https://connect.stripe.com/setup/e/${account}/${randomBytes(6).toString('hex')}` });
  }

  /** What onboarding at Stripe would do: the account can now receive transfers (or not). */
  completeOnboarding(accountId: string, payoutsEnabled = true): FakeAccount {
    const account = this.accounts.get(accountId)!;
    Object.assign(account, { charges_enabled: payoutsEnabled, payouts_enabled: payoutsEnabled, requirements: { currently_due: payoutsEnabled ? [] : account.requirements.currently_due } });
    return account;
  }

  private createTransfer(form: URLSearchParams): FakeReply {
    const amount = Number(form.get('amount'));
    const currency = form.get('currency') ?? '';
    const destination = form.get('destination') ?? '';
    if (!Number.isInteger(amount) || amount <= 0) return { status: 400, body: error('parameter_invalid_integer', 'Invalid integer: amount') };
    const account = this.accounts.get(destination);
    if (!account) return { status: 400, body: error('resource_missing', `No such destination: '${destination}'`) };
    if (!account.payouts_enabled) {
      return { status: 400, body: error('insufficient_capabilities_for_transfer', `Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments`) };
    }
    const available = this.available.get(currency);
    if (available !== undefined) {
      if (available < amount) return { status: 400, body: error('balance_insufficient', 'You have insufficient available funds in your Stripe account.') };
      this.available.set(currency, available - amount);
    }
    const id = `tr_${randomBytes(8).toString('hex')}`;
    const txn = this.addBalanceTransaction({ amount: -amount, currency, type: 'transfer', source: id });
    const transfer: FakeTransfer = {
      id, object: 'transfer', amount, currency, destination, created: this.now(), transfer_group: form.get('transfer_group'),
      metadata: metadataOf(form), reversed: false, amount_reversed: 0, balance_transaction: txn.id, reversals: { object: 'list', data: [], has_more: false },
    };
    this.transfers.set(transfer.id, transfer);
    return ok(transfer);
  }

  /** What the platform (or Stripe) does when a transfer is reversed in full: the transfer as `transfer.reversed` carries it. */
  reverseTransfer(transferId: string): FakeTransfer {
    const transfer = this.transfers.get(transferId)!;
    const remaining = transfer.amount - transfer.amount_reversed;
    const reversal: FakeReversal = { id: `trr_${randomBytes(8).toString('hex')}`, object: 'transfer_reversal', amount: remaining, currency: transfer.currency, transfer: transferId, created: this.now(), balance_transaction: '' };
    reversal.balance_transaction = this.addBalanceTransaction({ amount: remaining, currency: transfer.currency, type: 'transfer_refund', source: reversal.id }).id;
    transfer.reversals.data.push(reversal);
    Object.assign(transfer, { reversed: true, amount_reversed: transfer.amount });
    return structuredClone(transfer);
  }

  /** A balance transaction, newest last; also for tests that plant a charge or a stray movement. */
  addBalanceTransaction(t: { amount: number; currency: string; type: string; source: string | null; fee?: number; created?: number; description?: string }): FakeBalanceTransaction {
    const fee = t.fee ?? 0;
    const shared = this.shared.addBalanceTransaction && t.source ? this.shared.addBalanceTransaction({ ...t, source: t.source }) : undefined;
    const txn: FakeBalanceTransaction = {
      id: shared?.id ?? `txn_${randomBytes(8).toString('hex')}`, object: 'balance_transaction', amount: t.amount, fee, net: t.amount - fee, currency: t.currency,
      type: t.type, source: t.source, created: t.created ?? this.now(), description: t.description ?? null,
    };
    this.balanceTransactions.push(txn);
    return txn;
  }

  /** Newest first, `created[gte]`/`created[lte]`, `limit` (default 10, at most 100) and `starting_after`, as Stripe lists. */
  private listBalanceTransactions(query: URLSearchParams) {
    const gte = query.get('created[gte]');
    const lte = query.get('created[lte]');
    let rows = [...this.balanceTransactions].reverse()
      .filter((t) => (gte === null || t.created >= Number(gte)) && (lte === null || t.created <= Number(lte)));
    const after = query.get('starting_after');
    if (after) rows = rows.slice(rows.findIndex((t) => t.id === after) + 1);
    const limit = Math.min(Number(query.get('limit') ?? 10), 100);
    return { object: 'list', url: '/v1/balance_transactions', has_more: rows.length > limit, data: rows.slice(0, limit) };
  }
}

function metadataOf(form: URLSearchParams): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of form) {
    const m = /^metadata\[(.+)\]$/.exec(key);
    if (m) metadata[m[1]!] = value;
  }
  return metadata;
}

const ok = (body: unknown): FakeReply => ({ status: 200, body });
const notFound = (what: string, id: string): FakeReply => ({ status: 404, body: error('resource_missing', `No such ${what}: '${id}'`) });
function error(code: string, message: string) {
  return { error: { type: code === 'api_error' ? 'api_error' : code === 'idempotency_error' ? 'idempotency_error' : 'invalid_request_error', code, message } };
}
