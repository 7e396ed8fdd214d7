import { randomBytes } from 'node:crypto';
import type { FakeStripeRoute } from './server.js';

/**
 * The Stripe Connect endpoints payouts use, as Stripe documents them
 * (objects trimmed to the fields the hub reads, plus `id`, `object`,
 * `created`): POST /v1/accounts, GET /v1/accounts/:id, POST
 * /v1/account_links, POST /v1/transfers. A route module for the shared fake
 * Stripe (server.ts, `addRoute`), which honours Idempotency-Key, scripts
 * failures and lists the balance transactions these routes add
 * (connect-server.ts plugs them in).
 */
type FakeRequest = { method: string; path: string; query: URLSearchParams; form: URLSearchParams };
export type FakeReply = { status: number; body: unknown; headers?: Record<string, string> };

export type FakeAccount = { id: string; object: 'account'; type: string; charges_enabled: boolean; payouts_enabled: boolean; requirements: { currently_due: string[] }; metadata: Record<string, string>; created: number };
export type FakeTransfer = {
  id: string; object: 'transfer'; amount: number; currency: string; destination: string; created: number; transfer_group: string | null;
  metadata: Record<string, string>; reversed: boolean; amount_reversed: number; balance_transaction: string;
  reversals: { object: 'list'; data: FakeReversal[]; has_more: false };
};
export type FakeReversal = { id: string; object: 'transfer_reversal'; amount: number; currency: string; transfer: string; created: number; balance_transaction: string };
export type FakeBalanceTransaction = { id: string; object: 'balance_transaction'; amount: number; fee: number; net: number; currency: string; type: string; source: string | null; created: number; description: string | null };

export class FakeStripeConnect {
  readonly accounts = new Map<string, FakeAccount>();
  readonly transfers = new Map<string, FakeTransfer>();
  /** The platform's available balance per currency (lowercase); a currency absent is unlimited. */
  readonly available = new Map<string, number>();
  now = () => Math.floor(Date.now() / 1000);

  /**
   * `addBalanceTransaction`: where balance transactions go when these routes
   * are plugged into the shared fake (server.ts), so its GET
   * /v1/balance_transactions lists transfers and reversals with the rest.
   */
  constructor(private readonly shared: { addBalanceTransaction: (t: { amount: number; currency: string; type: string; source: string }) => { id: string } }) {}

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

  private route(r: FakeRequest): (() => FakeReply) | undefined {
    if (r.method === 'POST' && r.path === '/v1/accounts') return () => ok(this.createAccount(r.form));
    if (r.method === 'POST' && r.path === '/v1/account_links') return () => this.createAccountLink(r.form);
    if (r.method === 'POST' && r.path === '/v1/transfers') return () => this.createTransfer(r.form);
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

  /**
   * What the platform (or Stripe) does when a transfer is reversed, in full
   * or (`amount`) in part: the transfer as `transfer.reversed` carries it,
   * its `reversals` newest first as Stripe lists them.
   */
  reverseTransfer(transferId: string, amount?: number): FakeTransfer {
    const transfer = this.transfers.get(transferId)!;
    const remaining = transfer.amount - transfer.amount_reversed;
    const value = amount ?? remaining;
    if (!Number.isInteger(value) || value < 1 || value > remaining) throw new Error(`cannot reverse ${value} of ${transferId} (${remaining} left)`);
    const reversal: FakeReversal = { id: `trr_${randomBytes(8).toString('hex')}`, object: 'transfer_reversal', amount: value, currency: transfer.currency, transfer: transferId, created: this.now(), balance_transaction: '' };
    reversal.balance_transaction = this.addBalanceTransaction({ amount: value, currency: transfer.currency, type: 'transfer_refund', source: reversal.id }).id;
    transfer.reversals.data.unshift(reversal);
    transfer.amount_reversed += value;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    return structuredClone(transfer);
  }

  /** A balance transaction in the shared fake's list; also for tests that plant a stray movement. */
  addBalanceTransaction(t: { amount: number; currency: string; type: string; source: string | null; fee?: number; created?: number; description?: string }): FakeBalanceTransaction {
    const fee = t.fee ?? 0;
    const shared = this.shared.addBalanceTransaction({ ...t, source: t.source ?? '' });
    const txn: FakeBalanceTransaction = {
      id: shared.id, object: 'balance_transaction', amount: t.amount, fee, net: t.amount - fee, currency: t.currency,
      type: t.type, source: t.source, created: t.created ?? this.now(), description: t.description ?? null,
    };
    return txn;
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
