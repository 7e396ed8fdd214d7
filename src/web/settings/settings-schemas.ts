import { z } from 'zod';
import { PLATFORMS } from '../../domain/like-event.js';
import { identitySchema, moneySchema } from '../api/schemas.js';

/** GET and PUT /api/v1/settings answer with the settings as they are. */
export const settingsSchema = z.object({
  joined: z.boolean().describe('false until the user has supporter settings (a budget or a platform turned on)'),
  platforms: z.array(z.enum(PLATFORMS)).describe('platforms whose likes count'),
  emoji: z.object({
    mode: z.enum(['default', 'any', 'custom']),
    reactions: z.array(z.string()).describe('the reactions that flattr (empty for any)'),
  }),
  allowCommunities: z.array(z.string()).describe('when not empty, only likes in these communities count'),
  blockCommunities: z.array(z.string()).describe('likes in these communities never count'),
  statementDms: z.boolean(),
  mentions: z.boolean().describe('payout messages mention (ping) you; off: they name you'),
  communities: z.array(z.object({ id: z.string(), platform: z.string(), name: z.string().nullable() })).describe('communities seen in your flattrs and accounts'),
  identities: z.array(identitySchema),
});

const list = z.array(z.string().max(100)).max(100);

/** A partial change: what is absent stays as it is. Unknown fields are refused (422), so a typo never passes silently. */
export const settingsChangeSchema = z.strictObject({
  platforms: z.strictObject(Object.fromEntries(PLATFORMS.map((p) => [p, z.boolean().optional()])) as Record<(typeof PLATFORMS)[number], z.ZodOptional<z.ZodBoolean>>)
    .optional().describe('turn each platform on (true) or off (false)'),
  emoji: z.array(z.string().max(100)).max(100).optional().describe('reaction names or emoji; ["any"] or ["default"]'),
  allowCommunities: list.optional().describe('replaces the allow list ([] clears it)'),
  blockCommunities: list.optional().describe('replaces the block list ([] clears it)'),
  statementDms: z.boolean().optional(),
  mentions: z.boolean().optional(),
});

export const historyMonthSchema = z.object({
  period: z.string(),
  currency: z.string().length(3),
  budget: moneySchema,
  charged: moneySchema,
  fee: moneySchema,
  flattrs: z.number().int().describe('active flattrs the month was split among'),
  settledAt: z.iso.datetime(),
});

export const historyListSchema = z.object({ months: z.array(historyMonthSchema).describe('settled months, newest first') });

export const historyPeriodSchema = historyMonthSchema.extend({
  recipients: z.array(z.object({
    platform: z.enum(PLATFORMS), externalId: z.string(), handle: z.string().nullable(),
    amount: moneySchema, flattrs: z.number().int(), claimed: z.boolean().describe('false when some of it waits in escrow for them to join'),
  })).describe('largest first; none in a month you were not charged'),
});

export const periodParamsSchema = z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) });
export const identityParamsSchema = z.object({ platform: z.enum(PLATFORMS), externalId: z.string().min(1).max(100) });

export const walletQuerySchema = z.strictObject({
  before: z.string().regex(/^\d{1,18}$/, 'an entry id, as `next` gives it').optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const walletSchema = z.object({
  balances: z.array(moneySchema),
  movements: z.array(z.object({
    id: z.string().describe('entry id'), at: z.iso.datetime(), kind: z.string().describe('funding, settlement, escrow_release, …'),
    period: z.string().nullable(), amount: moneySchema.describe('positive in, negative out'),
  })).describe('newest first'),
  next: z.string().nullable().describe('pass as `before` for the next page; null on the last'),
});
