import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../../src/config.js';
import { startHub, type Hub } from '../../../src/main.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { discordOAuth, type DiscordOAuth } from '../../fakes/discord/oauth.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/slack/fake-slack-api.js';
import { postCommand } from '../../fakes/slack/slack-requests.js';
import { runCli, type CliResult } from '../../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { freePort } from '../../support/free-port.js';
import { randomQueuePrefix } from '../../support/queue.js';

/** Where the e2e run writes its screenshots (README, "Looking at the pages"); E2E_SCREENSHOTS moves it. */
export const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? fileURLToPath(new URL('../../../screenshots/', import.meta.url));

/** Debian's Chromium, as the machine has it (playwright-core never downloads a browser). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const TEAM = 'T0E2E';

/**
 * A hub as `flattr start --role api` runs it, on a real port, with the Slack
 * adapter on the fake Slack (slash commands, Sign in with Slack) and Sign in
 * with Discord on the fake Discord; real PostgreSQL and Redis under fresh
 * names; and headless Chromium driven by playwright-core. The world is made
 * the way an operator would make it: the `flattr` CLI (supporter set, wallet
 * credit, likes import, settle), each a real child process.
 */
export async function startE2eWorld() {
  const slack: FakeSlackApi = await startFakeSlackApi();
  const workspace = slack.addWorkspace(TEAM);
  const discord = await FakeDiscord.start();
  const oauth: DiscordOAuth = discordOAuth(discord.state);
  const database: TestDatabase = await createPostgresDatabase();
  const port = await freePort();
  const signingSecret = randomBytes(16).toString('hex');
  const env: Record<string, string> = {
    DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(),
    DATA_DIR: await mkdtemp(path.join(tmpdir(), 'flattr-e2e-')), PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'silent', ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    // Last month settles even in the first hour of a month (the tests date their world by the real clock).
    SETTLEMENT_GRACE_MINUTES: '0',
    SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: workspace.botToken, SLACK_API_URL: slack.url,
    DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: oauth.clientId, DISCORD_CLIENT_SECRET: oauth.clientSecret, DISCORD_API_URL: discord.apiUrl,
  };
  // The hub's secrets (session, token key) live in DATA_DIR: the CLI runs below share them with the hub.
  const hub: Hub = await startHub(loadConfig(env), { role: 'api' });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await mkdir(SCREENSHOTS, { recursive: true });

  const cli = async (args: string[], input?: string): Promise<CliResult> => {
    const result = await runCli(args, env, input);
    if (result.code !== 0) throw new Error(`flattr ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
    return result;
  };

  return {
    hub, url: hub.url!, env, database, slack, discord, oauth, browser, cli,
    /** A fresh browser profile (cookies of its own) speaking `locale`, sized like a laptop unless told otherwise. */
    async context(locale = 'en-GB', viewport = { width: 1100, height: 900 }): Promise<BrowserContext> {
      return browser.newContext({ locale, viewport, acceptDownloads: true, baseURL: hub.url! });
    },
    /** `/flattr <text>` typed in the fake Slack workspace by `user`; the ephemeral reply's text. */
    async slashCommand(user: string, text: string): Promise<string> {
      const res = await postCommand(hub.url!, {
        token: 'x', team_id: TEAM, team_domain: 'e2e', channel_id: 'C0E2E', channel_name: 'general', user_id: user, user_name: user.toLowerCase(),
        command: '/flattr', text, api_app_id: 'A0FLATTR', response_url: 'https://hooks.slack.com/commands/1/2', trigger_id: '1.2.3',
      }, { now: new Date(), secret: signingSecret });
      if (res.status !== 200) throw new Error(`/flattr ${text}: HTTP ${res.status}`);
      return ((await res.json()) as { text: string }).text;
    },
    /** A full-page screenshot in SCREENSHOTS, named for what it shows. */
    async screenshot(page: Page, name: string): Promise<string> {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close(): Promise<void> {
      await browser.close().catch(() => undefined);
      await hub.close();
      await slack.close();
      await discord.close();
      await database.drop();
    },
  };
}

export type E2eWorld = Awaited<ReturnType<typeof startE2eWorld>>;

/** The sign-in link in a reply or a CLI's output. */
export function loginLinkIn(text: string): string {
  const link = /(https?:\/\/\S+\/login\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!link) throw new Error(`no sign-in link in: ${text}`);
  return link;
}
