import type { Config } from '../config.js';

export type AdapterStatus = {
  name: 'slack' | 'discord' | 'twitter';
  on: boolean;
  /** How it runs when on; when off, which variables would turn it on (or that it cannot be yet). */
  why: string;
  /** The start log's line for it: "slack: off (set …)". */
  line: string;
};

/** Which platform adapters this configuration turns on, and why, for the start log (one line each). */
export function describeAdapters(config: Config): AdapterStatus[] {
  const base = config.http.publicUrl.replace(/\/+$/, '');
  const statuses: Omit<AdapterStatus, 'line'>[] = [
    config.slack
      ? {
          name: 'slack', on: true,
          why: config.slack.clientId
            ? `OAuth installs at ${base}/slack/install, events at ${base}/slack/events`
            : `one workspace, events at ${base}/slack/events`,
        }
      : { name: 'slack', on: false, why: 'set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN for one workspace, or SLACK_SIGNING_SECRET, SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth installs' },
    config.discord
      ? { name: 'discord', on: true, why: `gateway, /flattr registered ${config.discord.commandScope === 'guild' ? 'per server' : 'globally'}` }
      : { name: 'discord', on: false, why: 'set DISCORD_TOKEN and DISCORD_APPLICATION_ID' },
    // The X variables are read (config.ts), but no adapter listens to X yet (createAdapters): never "on".
    { name: 'twitter', on: false, why: `the X adapter is not built yet${config.twitter ? '; the TWITTER_* variables set are not used' : ''}` },
  ];
  return statuses.map((s) => ({ ...s, line: `${s.name}: ${s.on ? 'on' : 'off'} (${s.why})` }));
}
