import type { Config } from '../config.js';

export type AdapterStatus = { name: 'slack' | 'discord' | 'twitter'; on: boolean; why: string };

/** Which platform adapters this configuration turns on, and why, for the start log. */
export function describeAdapters(config: Config): AdapterStatus[] {
  return [
    config.slack
      ? { name: 'slack', on: true, why: config.slack.clientId ? 'OAuth install (SLACK_CLIENT_ID)' : 'single workspace (SLACK_BOT_TOKEN)' }
      : { name: 'slack', on: false, why: 'set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET' },
    config.discord
      ? { name: 'discord', on: true, why: 'DISCORD_TOKEN set' }
      : { name: 'discord', on: false, why: 'set DISCORD_TOKEN and DISCORD_APPLICATION_ID' },
    config.twitter
      ? { name: 'twitter', on: true, why: 'X app configured; check X Developer Policy before use' }
      : { name: 'twitter', on: false, why: 'set TWITTER_BEARER_TOKEN or TWITTER_CLIENT_ID' },
  ];
}
