/**
 * A workspace has no usable installation: no row, its token forgotten at
 * uninstall, or Slack says the token is dead. The only authorization failure
 * acknowledged with 200 (a retry cannot help); every other one answers 5xx so
 * Slack redelivers the event.
 */
export class SlackNotInstalledError extends Error {
  readonly code = 'SLACK_NOT_INSTALLED';
  constructor(readonly team: string | undefined, message: string) {
    super(message);
    this.name = 'SlackNotInstalledError';
  }
}

