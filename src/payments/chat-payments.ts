import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { createStripe } from './stripe-client.js';
import { createTopup, type Topup, type TopupRequest } from './topups/create-topup.js';

/** What chat commands may do with payments (`/flattr topup`): present only when Stripe is configured. */
export type ChatPayments = { topup(request: Omit<TopupRequest, 'publicUrl' | 'retry'>): Promise<Topup> };

export function createChatPayments(config: Config, db: Db): ChatPayments | undefined {
  if (!config.stripe) return undefined;
  const stripe = createStripe(config.stripe);
  return { topup: (request) => createTopup(db, stripe, { ...request, publicUrl: config.http.publicUrl }) };
}
