import type { Config } from '../config.js';

export type AdapterStatus = {
  name: 'slack' | 'discord' | 'twitter';
  on: boolean;
  /** How it runs when on; when off, which variables would turn it on (or that it cannot be yet). */
  why: string;
  /** The start log's line for it: "slack: off (set …)". */
  line: string;
};

/**
 * X needs the OAuth 2.0 client (people connect their accounts: likes are private) and, for the
 * webhook (TWITTER_MODE webhook or both), the consumer secret that signs deliveries and the app's
 * bearer token that registers the webhook and deletes subscriptions.
 */
function describeTwitter(config: Config, base: string): Omit<AdapterStatus, 'line'> {
  const x = config.twitter as (Config['twitter'] & { mode?: string }) | undefined;
  const mode = x?.mode ?? 'webhook';
  const webhook = mode !== 'poll';
  const needed: [string, unknown][] = [['TWITTER_CLIENT_ID', x?.clientId], ['TWITTER_CLIENT_SECRET', x?.clientSecret],
    ...(webhook ? [['TWITTER_CONSUMER_SECRET', x?.consumerSecret], ['TWITTER_BEARER_TOKEN', x?.bearerToken]] as [string, unknown][] : [])];
  const missing = needed.filter(([, value]) => !value).map(([name]) => name);
  if (!x || missing.length) {
    const names = missing.join(', ').replace(/, ([^,]*)$/, ' and $1');
    return { name: 'twitter', on: false, why: x ? `set ${names} too (TWITTER_MODE=${mode})` : `set ${names} (TWITTER_MODE=webhook, the default), and check X's Developer Policy first` };
  }
  return { name: 'twitter', on: true, why: `${mode}: ${webhook ? `webhook at ${base}/twitter/webhook, ` : ''}people connect X at ${base}/auth/twitter` };
}

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
    describeTwitter(config, base),
  ];
  return statuses.map((s) => ({ ...s, line: `${s.name}: ${s.on ? 'on' : 'off'} (${s.why})` }));
}
