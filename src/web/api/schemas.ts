import { z } from 'zod';

/** Amounts are integers in minor units (cents) with their ISO 4217 currency, never floats (money rule 1). */
export const moneySchema = z.object({
  minor: z.number().int().describe('amount in minor units of the currency (cents for EUR)'),
  currency: z.string().length(3).describe('ISO 4217 code'),
});

export const identitySchema = z.object({
  platform: z.enum(['twitter', 'discord', 'slack']),
  externalId: z.string().describe('platform user id; Slack: TEAM:USER'),
  handle: z.string().nullable(),
});

export const meSchema = z.object({
  user: z.object({ id: z.number().int(), locale: z.string(), currency: z.string().length(3) }),
  identities: z.array(identitySchema),
  supporter: z.object({
    currency: z.string().length(3),
    budget: moneySchema.describe('monthly budget'),
    active: z.boolean(),
    platforms: z.array(z.string()).describe('platforms whose likes count'),
    wallet: moneySchema,
    owed: z.array(moneySchema).describe('what refunds or lost disputes left the supporter owing, per currency (empty when nothing): their likes are not flattrs until it is settled'),
    pendingFlattrs: z.number().int().describe('active flattrs of periods not settled yet'),
    pendingPeriods: z.array(z.string()),
  }).nullable().describe('null until the user joins as a supporter'),
  creator: z.object({
    balances: z.array(moneySchema),
    lastPeriod: z.object({ period: z.string(), received: z.array(moneySchema), supporters: z.number().int() }).nullable(),
    escrow: z.array(z.object({ identity: identitySchema, amount: moneySchema, returnsFrom: z.iso.datetime() })),
  }),
  auth: z.object({
    via: z.enum(['session', 'token']),
    csrfToken: z.string().optional().describe('with a session: send it as x-csrf-token on every POST and DELETE'),
  }),
});

export const apiTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});

export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });
export const newApiTokenSchema = z.object({ name: z.string().trim().min(1, 'name a token after what uses it').max(100) });
export const createdApiTokenSchema = apiTokenSchema.extend({ token: z.string().describe('the secret, shown this once: store it now') });
export const tokenIdSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
