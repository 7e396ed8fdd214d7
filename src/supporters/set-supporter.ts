import type { Db } from '../db/database.js';
import { InvalidInputError } from '../domain/errors.js';
import { PLATFORMS, type Platform } from '../domain/like-event.js';
import { parseAmount, parseCurrency, type Money } from '../domain/money.js';
import { ANY_REACTION, canonicalReaction, DEFAULT_TRIGGERS } from '../domain/reactions.js';
import { resolveCurrencyChange } from './resolve-currency-change.js';
import { resolveOrCreateUser } from './resolve-user.js';

export type SupporterChange = {
  platform: string;
  externalId: string;
  budget?: string;
  currency?: string;
  enable?: readonly string[];
  disable?: readonly string[];
  emoji?: readonly string[];
  active?: boolean;
  block?: readonly string[];
  allow?: readonly string[];
  locale?: string;
};

export type SupporterView = {
  userId: number;
  currency: string;
  budgetMinor: bigint;
  active: boolean;
  platforms: string[];
  triggerReactions: string[];
  created: boolean;
  claimedIdentity: boolean;
  /** Escrow that claiming the identity moved to this user's creator balance (empty unless claimedIdentity). */
  escrowMoved: Money[];
};

export function parsePlatform(raw: string, field = 'platform'): Platform {
  const value = raw.trim().toLowerCase();
  const aliased = value === 'x' ? 'twitter' : value;
  if (!(PLATFORMS as readonly string[]).includes(aliased)) {
    throw new InvalidInputError(field, `"${raw}" is not a platform: use one of ${PLATFORMS.join(', ')}`);
  }
  return aliased as Platform;
}

/** Trigger set from what a person typed: names, :shortcodes:, unicode, "any" or "default". */
export function parseTriggerSet(raw: readonly string[]): string[] {
  const names = raw.flatMap((r) => r.split(/[\s,]+/)).filter(Boolean).map(canonicalReaction);
  if (names.length === 0) throw new InvalidInputError('emoji', 'name at least one emoji, or "any", or "default"');
  if (names.includes('default')) return [];
  if (names.includes(ANY_REACTION)) return [ANY_REACTION];
  return [...new Set(names)];
}

/**
 * Creates or changes a supporter from admin input. Everything is validated
 * before the first write, or in the transaction before it commits, so bad
 * input changes nothing. A currency change is refused while the wallet holds
 * money, and needs the budget in the new currency (resolveCurrencyChange).
 */
export async function setSupporter(db: Db, change: SupporterChange): Promise<SupporterView> {
  const platform = parsePlatform(change.platform);
  const externalId = change.externalId.trim();
  if (!externalId) throw new InvalidInputError('external-id', 'must not be empty');
  const currency = change.currency === undefined ? undefined : parseCurrency(change.currency);
  const enable = (change.enable ?? []).flatMap((p) => p.split(',')).filter(Boolean).map((p) => parsePlatform(p, 'on'));
  const disable = (change.disable ?? []).flatMap((p) => p.split(',')).filter(Boolean).map((p) => parsePlatform(p, 'off'));
  const triggers = change.emoji === undefined ? undefined : parseTriggerSet(change.emoji);
  if (change.locale !== undefined && !['en', 'fr'].includes(change.locale)) throw new InvalidInputError('locale', `"${change.locale}" is not supported: use en or fr`);

  return db.$transaction(async (tx) => {
    const resolved = await resolveOrCreateUser(tx, platform, externalId);
    const target = await resolveCurrencyChange(tx, resolved.userId, currency, change.budget !== undefined);
    const [user] = await tx.$queryRawUnsafe<{ currency: string }[]>(
      `UPDATE users SET currency = $2, locale = coalesce($3, locale) WHERE id = $1 RETURNING currency`,
      resolved.userId, target, change.locale ?? null,
    );
    const budget = change.budget === undefined ? undefined : parseAmount(change.budget, target, 'budget').minor;
    await tx.$executeRawUnsafe(`INSERT INTO supporter_settings (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`, resolved.userId);
    const [row] = await tx.$queryRawUnsafe<{ budget_minor: bigint; active: boolean; platforms: string[]; trigger_reactions: string[] }[]>(
      `UPDATE supporter_settings SET
         budget_minor = coalesce($2, budget_minor),
         active = coalesce($3, active),
         platforms = (SELECT coalesce(array_agg(DISTINCT p ORDER BY p), '{}') FROM unnest(platforms || $4::text[]) p WHERE p <> ALL($5::text[])),
         trigger_reactions = coalesce($6::text[], trigger_reactions),
         block_communities = coalesce($7::text[], block_communities),
         allow_communities = coalesce($8::text[], allow_communities),
         updated_at = now()
       WHERE user_id = $1
       RETURNING budget_minor, active, platforms, trigger_reactions`,
      resolved.userId, budget ?? null, change.active ?? null, enable, disable, triggers ?? null,
      change.block ? [...change.block] : null, change.allow ? [...change.allow] : null,
    );
    return {
      userId: resolved.userId,
      currency: user!.currency,
      budgetMinor: row!.budget_minor,
      active: row!.active,
      platforms: row!.platforms,
      triggerReactions: row!.trigger_reactions.length ? row!.trigger_reactions : [...DEFAULT_TRIGGERS],
      created: resolved.created,
      claimedIdentity: resolved.claimed,
      escrowMoved: resolved.escrowMoved,
    };
  });
}
