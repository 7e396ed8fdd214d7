import { z } from 'zod';
import { moneySchema } from '../api/schemas.js';

/** GET /api/v1/month?page=N: 1-based; a page past the last answers the last. */
export const monthQuerySchema = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).default(1) });

export const monthFlattrSchema = z.object({
  id: z.number().int().describe('the flattr id: DELETE /api/v1/flattrs/{id} undoes it'),
  recipient: z.object({
    platform: z.enum(['twitter', 'discord', 'slack']),
    externalId: z.string(),
    handle: z.string().nullable(),
    claimed: z.boolean().describe('false: the share would wait in escrow until the creator joins'),
  }),
  community: z.object({ id: z.string(), name: z.string().nullable() }).nullable().describe('Discord server or Slack workspace; null on X'),
  item: z.string().describe('tweet id | guild:channel:message | TEAM:channel:ts'),
  link: z.string().nullable().describe('where the item opens, when a link can be built from its id'),
  likedAt: z.iso.datetime(),
  share: moneySchema.describe('what it would receive if the month ended now (the settlement arithmetic, fee deducted)'),
});

export const monthSchema = z.object({
  period: z.string().describe('YYYY-MM in SETTLEMENT_TZ: the month a like made now counts in'),
  currency: z.string().length(3),
  supporter: z.object({
    budget: moneySchema,
    active: z.boolean(),
    platforms: z.array(z.string()).describe('platforms whose likes count'),
    wallet: moneySchema,
    available: moneySchema.describe('A = min(budget, wallet)'),
    charged: moneySchema.describe('what settling now would take from the wallet (A with flattrs, nothing without)'),
    fee: moneySchema,
    distributable: moneySchema.describe('charged − fee: the sum of the shares'),
    flattrs: z.object({
      total: z.number().int().describe('every active flattr of the month, whatever the page'),
      page: z.number().int(),
      pages: z.number().int(),
      pageSize: z.number().int(),
      items: z.array(monthFlattrSchema).describe('newest like first'),
    }),
  }).nullable().describe('null until a budget is set (PUT /api/v1/budget) or the user joins in chat'),
});

export const budgetChangeSchema = z.object({
  amount: z.string().describe('a decimal string in the currency: "35", "35.50"; "35,5" and "-2" are refused'),
  currency: z.string().optional().describe('ISO 4217; refused (currency_locked) while the wallet holds money'),
}).strict();

export const flattrIdSchema = z.object({ id: z.string().regex(/^\d{1,15}$/).transform(BigInt) });
