import { z } from 'zod';
import { identitySchema, moneySchema } from '../api/schemas.js';

/** GET /api/v1/earnings: the creator earnings page's data (amounts in minor units, never floats). */
export const earningsSchema = z.object({
  balances: z.array(moneySchema).describe('creator balance per currency'),
  identities: z.array(identitySchema.extend({ received: z.array(moneySchema).describe('over every settled period, per currency') }))
    .describe("the user's accounts (claimed) and what each received"),
  escrow: z.array(z.object({ identity: identitySchema, amount: moneySchema, returnsFrom: z.iso.datetime().describe('when it starts going back to the supporters') }))
    .describe("escrow still held for the user's accounts"),
  months: z.array(z.object({
    period: z.string().describe('YYYY-MM, settled'),
    received: z.array(moneySchema),
    flattrs: z.number().int(),
    communities: z.array(z.object({
      platform: z.enum(['twitter', 'discord', 'slack']),
      community: z.string().describe('Slack team or Discord guild id; "" where the platform has none (X)'),
      name: z.string().nullable(),
      amount: moneySchema, flattrs: z.number().int(), supporters: z.number().int(),
    })).describe('largest first, at most 10; moreCommunities counts the rest'),
    moreCommunities: z.number().int(),
  })).describe('newest first, twelve a page'),
  page: z.object({ number: z.number().int(), size: z.number().int(), hasMore: z.boolean() }),
});
