import type { Platform } from '../domain/like-event.js';

/** The three notices (docs/architecture.md, Notices; the README says what each holds). */
export const NOTICE_KINDS = ['digest', 'statement', 'creator'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export type NoticeStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/**
 * A platform message, rendered once when the notice is derived and sent as
 * is on every attempt. `text` is what people read (Slack mrkdwn, Discord
 * markdown); `mentions` are the platform user ids the message may ping
 * (Discord's allowed_mentions.users; Slack pings whatever `<@U…>` the text
 * holds, so the renderer only writes those).
 */
export type NoticePayload = { text: string; mentions: string[] };

/** Where a notice goes: a community channel, or a DM to one platform user. */
export type NoticeDestination = { channel: string } | { user: string };

/** One outbox row, as a sender needs it. No token: senders find their own credentials. */
export type OutboundNotice = {
  id: bigint;
  /** The once-only key (kind, period, target, part), for idempotent sends (Discord's nonce). */
  key: string;
  kind: NoticeKind;
  platform: Platform;
  /** Slack team or Discord guild sent through; '' for a Discord DM. */
  community: string;
  destination: NoticeDestination;
  payload: NoticePayload;
};

export type SentNotice = { messageId: string; channel: string };

/**
 * The send port, one per platform (adapters/<platform>/send.ts implements
 * it; an X sender plugs in here later). `send` resolves with the platform's
 * message id or throws a NoticeSendError saying whether to wait
 * (rate_limited, with retry-after), retry with backoff (transient) or give
 * up (permanent, with the platform's reason).
 */
export type NoticeSender = {
  readonly platform: Platform;
  send(notice: OutboundNotice): Promise<SentNotice>;
  /**
   * Messages with the same pace key are sent at most once per `paceMs` (Slack:
   * about one message per second per channel). Absent where the platform's
   * client keeps to its limits itself (Discord's REST buckets).
   */
  paceKey?(notice: OutboundNotice): string;
  readonly paceMs?: number;
};

export type NoticeSenders = ReadonlyMap<Platform, NoticeSender>;
