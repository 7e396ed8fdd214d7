import type Stripe from 'stripe';
import type { Db, Tx } from '../../db/database.js';
import type { Logger } from '../../support/logger.js';

export type StripeEventContext = { stripe: Stripe; logger: Logger; now: () => Date };

/**
 * What the hub does with one Stripe event type. `handle` runs inside the
 * transaction that marks the event processed, so its writes happen exactly
 * once per event id (a redelivery finds the event processed and calls
 * nothing); it returns the outcome kept on the event row. A thrown error
 * rolls it back and answers 500, so Stripe delivers the event again.
 * `after` runs once that transaction committed, best effort, for calls to
 * Stripe (never made while a transaction holds locks).
 */
export type StripeEventHandler = {
  handle(tx: Tx, event: Stripe.Event, ctx: StripeEventContext): Promise<string>;
  after?(db: Db, event: Stripe.Event, ctx: StripeEventContext): Promise<void>;
};
