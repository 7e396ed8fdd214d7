/** The Discord adapter could not come up; `code` is stable, the message says what to check. */
export class DiscordStartError extends Error {
  constructor(
    readonly code: 'DISCORD_LOGIN_FAILED' | 'DISCORD_NOT_READY',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DiscordStartError';
  }
}
