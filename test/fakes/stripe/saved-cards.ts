import type { FakeStripeReply, FakeStripeRoute, StripeObject } from './server.js';

/**
 * What a saved card does when charged off-session: `ok` pays; the others fail
 * as Stripe's test cards do (https://docs.stripe.com/testing#declined-payments,
 * https://docs.stripe.com/payments/save-and-reuse#charge-saved-payment-method).
 */
export type FakeCardBehaviour = 'ok' | 'card_declined' | 'insufficient_funds' | 'authentication_required';

const DECLINES: Record<Exclude<FakeCardBehaviour, 'ok'>, { code: string; decline_code: string; message: string }> = {
  card_declined: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  insufficient_funds: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  authentication_required: { code: 'authentication_required', decline_code: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' },
};

/** What the saved-card routes use of the fake (server.ts). */
export type SavedCardsCore = {
  id(prefix: string): string;
  seconds(): number;
  event(type: string, object: StripeObject): StripeObject;
  capture(intent: StripeObject): void;
  error(status: number, type: string, message: string, extra?: StripeObject): FakeStripeReply;
  notFound(what: string, value: string): FakeStripeReply;
  sessions: Map<string, StripeObject>;
  paymentIntents: Map<string, StripeObject>;
  base(): string;
};

/**
 * Customers, setup-mode Checkout Sessions, SetupIntents, PaymentMethods and
 * PaymentIntents created with `confirm` and `off_session`: what a card saved
 * once and charged each month needs, in Stripe's documented shapes
 * (https://docs.stripe.com/api/customers/object, /setup_intents/object,
 * /payment_methods/object, /payment_intents/object). A test completes a
 * setup session (`completeSetupSession`) and chooses how the card behaves
 * (`setCardBehaviour`); a PaymentIntent's events are kept like every other
 * (server.ts `eventsAbout`) for the test to deliver.
 */
export function createSavedCards(core: SavedCardsCore) {
  const customers = new Map<string, StripeObject>();
  const setupIntents = new Map<string, StripeObject>();
  const paymentMethods = new Map<string, StripeObject>();
  const behaviour = new Map<string, FakeCardBehaviour>();
  const clone = <T>(o: T): T => structuredClone(o);

  function createCustomer(p: StripeObject): FakeStripeReply {
    const customer: StripeObject = {
      id: core.id('cus'), object: 'customer', address: null, balance: 0, created: core.seconds(), currency: null, default_source: null,
      delinquent: false, description: p.description ?? null, email: p.email ?? null,
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false, metadata: p.metadata ?? {}, name: p.name ?? null, phone: null, preferred_locales: [], shipping: null, tax_exempt: 'none',
    };
    customers.set(customer.id, customer);
    return { status: 200, body: clone(customer) };
  }

  /** POST /v1/checkout/sessions with mode=setup (server.ts hands it over). */
  function createSetupSession(p: StripeObject): FakeStripeReply {
    if (!p.success_url) return core.error(400, 'invalid_request_error', 'Missing required param: success_url.', { param: 'success_url' });
    if (p.customer && !customers.has(p.customer)) return core.notFound('customer', p.customer);
    if (!p.currency && !p.payment_method_types) {
      return core.error(400, 'invalid_request_error', 'You must provide `currency` or `payment_method_types` in setup mode.', { param: 'currency' });
    }
    const session: StripeObject = {
      id: core.id('cs'), object: 'checkout.session', amount_subtotal: null, amount_total: null, cancel_url: p.cancel_url ?? null,
      client_reference_id: p.client_reference_id ?? null, created: core.seconds(), currency: p.currency ? String(p.currency).toLowerCase() : null,
      customer: p.customer ?? null, customer_details: null, customer_email: null, expires_at: core.seconds() + 24 * 3600, livemode: false,
      locale: p.locale ?? null, metadata: p.metadata ?? {}, mode: 'setup', payment_intent: null, payment_status: 'no_payment_required',
      setup_intent: null, setup_intent_data_metadata: p.setup_intent_data?.metadata ?? {}, status: 'open', success_url: p.success_url, url: '',
    };
    session.url = `${core.base()}/checkout/${session.id}`;
    core.sessions.set(session.id, session);
    const { setup_intent_data_metadata: _, ...shown } = session;
    return { status: 200, body: clone(shown) };
  }

  /**
   * The supporter enters a card on Stripe's setup page: a PaymentMethod
   * attached to the session's customer, a succeeded SetupIntent for
   * off-session use, the session complete; returns checkout.session.completed.
   */
  function completeSetupSession(sessionId: string, o: { card?: FakeCardBehaviour; last4?: string } = {}): StripeObject {
    const session = core.sessions.get(sessionId);
    if (!session || session.mode !== 'setup') throw new Error(`no setup session ${sessionId}`);
    if (session.status !== 'open') throw new Error(`session ${sessionId} is ${session.status}`);
    const method: StripeObject = {
      id: core.id('pm'), object: 'payment_method', allow_redisplay: 'limited',
      billing_details: { address: null, email: 'supporter@example.test', name: null, phone: null },
      card: { brand: 'visa', checks: { cvc_check: 'pass' }, country: 'DE', exp_month: 12, exp_year: 2034, funding: 'credit', last4: o.last4 ?? '4242' },
      created: core.seconds(), customer: session.customer, livemode: false, metadata: {}, type: 'card',
    };
    paymentMethods.set(method.id, method);
    behaviour.set(method.id, o.card ?? 'ok');
    const intent: StripeObject = {
      id: core.id('seti'), object: 'setup_intent', created: core.seconds(), customer: session.customer, description: null,
      last_setup_error: null, livemode: false, metadata: session.setup_intent_data_metadata, payment_method: method.id,
      payment_method_types: ['card'], status: 'succeeded', usage: 'off_session',
    };
    setupIntents.set(intent.id, intent);
    Object.assign(session, { status: 'complete', setup_intent: intent.id });
    const { setup_intent_data_metadata: _, ...shown } = session;
    return core.event('checkout.session.completed', shown);
  }

  /** POST /v1/payment_intents: confirmed at once when `confirm` is true, as the saved card behaves. */
  function createPaymentIntent(p: StripeObject): FakeStripeReply {
    const amount = Number(p.amount);
    const currency = String(p.currency ?? '').toLowerCase();
    if (!Number.isSafeInteger(amount) || amount < 1) return core.error(400, 'invalid_request_error', 'Invalid integer: amount.', { param: 'amount' });
    if (!/^[a-z]{3}$/.test(currency)) return core.error(400, 'invalid_request_error', 'Invalid currency.', { param: 'currency' });
    if (amount < 50) return core.error(400, 'invalid_request_error', 'Amount must be at least 50 cents.', { code: 'amount_too_small', param: 'amount' });
    const method = p.payment_method ? paymentMethods.get(p.payment_method) : undefined;
    if (p.payment_method && !method) return core.notFound('payment_method', p.payment_method);
    if (method && method.customer !== (p.customer ?? null)) {
      return core.error(400, 'invalid_request_error', 'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again.', { param: 'payment_method' });
    }
    // Payment methods from the Dashboard are the default (API 2023-08-16 on): confirming at once needs a return_url unless redirects are off.
    if (p.confirm === 'true' && !p.return_url && !p.payment_method_types && p.automatic_payment_methods?.allow_redirects !== 'never') {
      return core.error(400, 'invalid_request_error', 'This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don\'t want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.');
    }
    const intent: StripeObject = {
      id: core.id('pi'), object: 'payment_intent', amount, amount_received: 0, created: core.seconds(), currency,
      customer: p.customer ?? null, description: p.description ?? null, last_payment_error: null, latest_charge: null, livemode: false,
      metadata: p.metadata ?? {}, payment_method: method?.id ?? null, setup_future_usage: null,
      status: method ? 'requires_confirmation' : 'requires_payment_method',
    };
    core.paymentIntents.set(intent.id, intent);
    if (p.confirm !== 'true' || !method) return { status: 200, body: clone(intent) };
    const outcome = behaviour.get(method.id) ?? 'ok';
    if (outcome === 'ok') {
      core.capture(intent);
      core.event('payment_intent.succeeded', intent);
      return { status: 200, body: clone(intent) };
    }
    const decline = DECLINES[outcome];
    Object.assign(intent, { status: 'requires_payment_method', last_payment_error: { type: 'card_error', ...decline, payment_method: clone(method) } });
    core.event('payment_intent.payment_failed', intent);
    return core.error(402, 'card_error', decline.message, { code: decline.code, decline_code: decline.decline_code, payment_intent: clone(intent), payment_method: clone(method), doc_url: `https://docs.stripe.com/error-codes/${decline.code.replace(/_/g, '-')}` });
  }

  function detach(methodId: string): FakeStripeReply {
    const method = paymentMethods.get(methodId);
    if (!method) return core.notFound('payment_method', methodId);
    if (!method.customer) return core.error(400, 'invalid_request_error', 'The payment method you provided is not attached to a customer so detachment is impossible.', { param: 'payment_method' });
    method.customer = null;
    return { status: 200, body: clone(method) };
  }

  const get = (map: Map<string, StripeObject>, what: string): FakeStripeRoute['handle'] => (m) => {
    const found = map.get(m[1]!);
    return found ? { status: 200, body: clone(found) } : core.notFound(what, m[1]!);
  };

  const routes: FakeStripeRoute[] = [
    { method: 'POST', pattern: /^\/v1\/customers$/, handle: (_m, r) => createCustomer(r.params) },
    { method: 'GET', pattern: /^\/v1\/customers\/([^/]+)$/, handle: get(customers, 'customer') },
    { method: 'GET', pattern: /^\/v1\/payment_methods\/([^/]+)$/, handle: get(paymentMethods, 'payment_method') },
    { method: 'POST', pattern: /^\/v1\/payment_methods\/([^/]+)\/detach$/, handle: (m) => detach(m[1]!) },
    { method: 'POST', pattern: /^\/v1\/payment_intents$/, handle: (_m, r) => createPaymentIntent(r.params) },
  ];

  return {
    routes,
    createSetupSession,
    /** For `expand[]` (server.ts): SetupIntents, PaymentMethods and Customers by id. */
    lookup(objectId: string): StripeObject | undefined {
      if (objectId.startsWith('seti_')) return setupIntents.get(objectId);
      if (objectId.startsWith('pm_')) return paymentMethods.get(objectId);
      if (objectId.startsWith('cus_')) return customers.get(objectId);
      return undefined;
    },
    helpers: {
      customers, setupIntents, paymentMethods,
      completeSetupSession,
      /** How a saved card behaves from now on (a card that starts to decline, or needs authentication). */
      setCardBehaviour(methodId: string, b: FakeCardBehaviour) {
        if (!paymentMethods.has(methodId)) throw new Error(`no payment method ${methodId}`);
        behaviour.set(methodId, b);
      },
    },
  };
}
