import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import type { LikeEvent, Platform } from '../domain/like-event.js';
import type { Logger } from '../support/logger.js';
import type { Metrics } from '../support/metrics.js';
import type { TokenCipher } from '../support/token-cipher.js';

/**
 * What the hub gives a platform adapter. Adapters do transport and
 * translation only: a normalized LikeEvent goes to `emitLike` (the `likes`
 * queue), anything dropped goes to `ignore` with a reason, and chat commands
 * go to the platform-independent use cases in src/chat/.
 */
export type AdapterContext = {
  emitLike(event: LikeEvent): Promise<void>;
  ignore(platform: Platform, reason: string, details?: Record<string, unknown>): void;
  db: Db;
  cipher: TokenCipher;
  logger: Logger;
  metrics: Metrics;
  /** The hub's HTTP server, before it listens: HTTP adapters add routes here. */
  http?: FastifyInstance;
  publicUrl: string;
  /** Injectable clock: platforms without event timestamps (Discord) stamp receipt time with it. */
  now(): Date;
};

/** One platform. `start` and `stop` are idempotent: twice is the same as once. */
export type PlatformAdapter = {
  readonly name: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
};
