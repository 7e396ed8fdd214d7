import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import type { LikeEvent, Platform } from '../domain/like-event.js';
import type { Logger } from '../support/logger.js';
import type { Metrics } from '../support/metrics.js';
import type { TokenCipher } from '../support/token-cipher.js';
import type { ChatPayments } from '../payments/chat-payments.js';

/**
 * Why an adapter drops a platform payload before it becomes a LikeEvent: the
 * `reason` label of flattr_adapter_ignored_total. snake_case like the ingest's
 * reasons (src/domain/judge-like.ts), and one name per meaning whatever the
 * platform: a self-like is `self_like` on every platform and in the ingest.
 */
export const ADAPTER_IGNORE_REASONS = [
  // Both platforms
  'self_like', 'bot_user', 'bot_author',
  // Slack
  'not_installed', 'unknown_payload', 'unhandled_interaction', 'malformed_command', 'unhandled_event', 'malformed_event', 'file_item', 'no_author',
  // Discord
  'malformed_dispatch', 'unknown_dispatch', 'direct_message', 'own_reaction', 'emoji_without_name', 'no_known_reactions',
  'malformed_message', 'message_unavailable', 'author_lookup_failed', 'unknown_interaction',
  // X (with unhandled_event and malformed_event, as on Slack): a like of the supporter's Post by someone else
  'inbound_like',
] as const;
export type AdapterIgnoreReason = (typeof ADAPTER_IGNORE_REASONS)[number];

/**
 * What the hub gives a platform adapter. Adapters do transport and
 * translation only: a normalized LikeEvent goes to `emitLike` (the `likes`
 * queue), anything dropped goes to `ignore` with a reason, and chat commands
 * go to the platform-independent use cases in src/chat/.
 */
export type AdapterContext = {
  emitLike(event: LikeEvent): Promise<void>;
  ignore(platform: Platform, reason: AdapterIgnoreReason, details?: Record<string, unknown>): void;
  db: Db;
  cipher: TokenCipher;
  logger: Logger;
  metrics: Metrics;
  /** The hub's HTTP server, before it listens: HTTP adapters add routes here. */
  http?: FastifyInstance;
  publicUrl: string;
  /** Injectable clock: platforms without event timestamps (Discord) stamp receipt time with it. */
  now(): Date;
  /** ESCROW_HOLD_DAYS and SETTLEMENT_TZ, for the dates chat replies show (`/flattr status`); pass on to ChatDeps. */
  money?: { escrowHoldDays: number; timeZone: string };
  /** Stripe top-ups for `/flattr topup`, when payments are configured; pass on to ChatDeps. */
  payments?: ChatPayments;
};

/** One platform. `start` and `stop` are idempotent: twice is the same as once. */
export type PlatformAdapter = {
  readonly name: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
};
