/**
 * A notice could not be sent. `DISCORD_RATE_LIMITED` carries Discord's
 * retry_after so the notify worker can delay its job instead of sleeping in it.
 */
export class DiscordSendError extends Error {
  constructor(
    readonly code: 'DISCORD_NOT_STARTED' | 'DISCORD_DM_FAILED' | 'DISCORD_RATE_LIMITED',
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DiscordSendError';
  }
}
