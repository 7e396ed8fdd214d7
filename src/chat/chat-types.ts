import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import type { ChatPayments } from '../payments/chat-payments.js';
import type { Logger } from '../support/logger.js';

export type ChatLocale = 'en' | 'fr';

/** Who typed `/flattr …`, where, as the adapter knows it. */
export type ChatContext = {
  platform: Platform;
  /** The platform user id as stored in identities (Slack "TEAM:USER", Discord user id). */
  userExternalId: string;
  /** Slack team id or Discord guild id; absent in DMs. */
  community?: string;
  channel?: string;
  /** Whether the platform says this user administers the community (Slack admin/owner, Discord Manage Server). */
  isCommunityAdmin: boolean;
  /** The platform's locale for this user, when it tells us. */
  locale?: ChatLocale;
  /** The community's own locale where the platform has one (Discord: the server's); its payout digests use it. */
  communityLocale?: ChatLocale;
  /** The person's display name, when the platform gives it: digests name them by it once they turn mentions off. */
  displayName?: string;
};

/** Always ephemeral: only the person who typed the command sees it. */
export type ChatReply = { text: string };

/**
 * Constructible from an AdapterContext: `{ db, now, logger, money, publicUrl }`.
 * `money`: ESCROW_HOLD_DAYS and SETTLEMENT_TZ, for the dates `/flattr status`
 * shows (defaults 90 and UTC, the configuration's own defaults).
 */
export type ChatDeps = {
  db: Db; now(): Date; logger: Logger; money?: { escrowHoldDays: number; timeZone: string };
  /** PUBLIC_URL, for the sign-in links `/flattr login` answers (AdapterContext.publicUrl). */
  publicUrl?: string;
  /** Stripe top-ups (`/flattr topup`), when payments are configured (AdapterContext.payments). */
  payments?: ChatPayments;
};

/** The platform's locale string ("fr-FR", "fr", "en-GB") reduced to one the hub speaks. */
export function chatLocale(raw: string | undefined | null): ChatLocale | undefined {
  if (!raw) return undefined;
  const lang = raw.toLowerCase().split(/[-_]/)[0];
  return lang === 'fr' ? 'fr' : lang === 'en' ? 'en' : undefined;
}
