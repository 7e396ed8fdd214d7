/**
 * Why a notice could not be sent, classified by the platform's sender:
 * - `rate_limited`: the platform said wait (429); `retryAfterMs` says how long.
 *   Not a failed attempt: the job is delayed, not retried.
 * - `transient`: may work later (5xx, timeout, network): retried with backoff.
 * - `permanent`: will not work however often tried (channel gone, bot removed,
 *   DMs closed, app uninstalled): recorded with `reason`, never retried. On
 *   Discord a retried 403 counts toward the invalid-request ban.
 * `reason` is a short snake_case label (the platform's own error where it
 * has one: `channel_not_found`, `discord_50007`), used in metrics and shown
 * by `flattr notices`.
 */
export class NoticeSendError extends Error {
  readonly code = 'NOTICE_SEND_FAILED';
  constructor(
    readonly kind: 'rate_limited' | 'transient' | 'permanent',
    readonly reason: string,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NoticeSendError';
  }
}
