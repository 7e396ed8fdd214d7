import type { REST } from 'discord.js';
import { createDiscordNoticeRest, createDiscordNoticeSender } from '../../adapters/discord/send.js';
import { loadBotToken } from '../../adapters/slack/installation-store.js';
import { createSlackNoticeSender } from '../../adapters/slack/send.js';
import { createXAccessTokens } from '../../adapters/twitter/access-token.js';
import { createXNoticeSender } from '../../adapters/twitter/send.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import type { TokenCipher } from '../support/token-cipher.js';
import type { NoticeSender } from './port.js';

export type NoticeSenderOptions = {
  /** Discord's global request limit for this bot (50/s unless Discord raised it; the bench raises it on its fake). */
  discordGlobalPerSecond?: number;
};

/**
 * The send halves for a process that sends notices, built from
 * configuration alone: Slack needs the bot token of each workspace
 * (SLACK_BOT_TOKEN, or the OAuth install's, decrypted per send) and
 * Discord a REST client with the bot token, neither a listening adapter.
 * So `--role worker` processes send while `--role api` processes listen,
 * and no worker ever opens a Discord gateway (whose shards are leased to
 * api processes). X sends DMs only, from the hub's own account (TWITTER_DM_SENDER_ID), to connected users.
 */
export function createNoticeSenders(config: Config, deps: { db: Db; cipher: TokenCipher }, o: NoticeSenderOptions = {}): Map<Platform, NoticeSender> {
  const senders = new Map<Platform, NoticeSender>();
  const slack = config.slack;
  if (slack) {
    senders.set('slack', createSlackNoticeSender({
      tokenFor: async (team) => slack.botToken ?? loadBotToken(deps.db, deps.cipher, team),
      // web-api joins method names onto the base URL, so it must end with "/".
      clientOptions: slack.apiUrl ? { slackApiUrl: slack.apiUrl.replace(/\/?$/, '/') } : {},
    }));
  }
  const discord = config.discord;
  if (discord) {
    let rest: REST | undefined;
    senders.set('discord', createDiscordNoticeSender(() => (rest ??= createDiscordNoticeRest({
      token: discord.token, apiUrl: discord.apiUrl, globalRequestsPerSecond: o.discordGlobalPerSecond,
    }))));
  }
  const x = config.twitter;
  if (x?.clientId) {
    const settings = { clientId: x.clientId, clientSecret: x.clientSecret, apiUrl: x.apiUrl };
    senders.set('twitter', createXNoticeSender({ db: deps.db, settings, dmSenderId: x.dmSenderId, tokens: createXAccessTokens({ db: deps.db, cipher: deps.cipher, settings }) }));
  }
  return senders;
}
