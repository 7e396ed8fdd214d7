import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Db } from '../../src/db/database.js';
import type { TokenCipher } from '../../src/support/token-cipher.js';
import type { BotIds } from './authorize.js';
import { SlackNotInstalledError } from './slack-not-installed-error.js';

/**
 * OAuth v2 installs (https://docs.slack.dev/authentication/installing-with-oauth),
 * one row per workspace in `communities`, the bot token encrypted at rest.
 * Enterprise-wide installs are not supported: the hub keys everything by team.
 */
export function createInstallationStore(deps: { db: Db; cipher: TokenCipher; botIds(token: string): Promise<BotIds> }): InstallationStore {
  const { db, cipher } = deps;
  return {
    async storeInstallation(installation: Installation) {
      const team = installation.team?.id;
      const token = installation.bot?.token;
      if (!team || !token) throw new SlackInstallError('a workspace install with a bot token is required (no org-wide installs)');
      await db.$executeRawUnsafe(
        `INSERT INTO communities (platform, external_id, name, bot_token) VALUES ('slack', $1, $2, $3)
         ON CONFLICT (platform, external_id) DO UPDATE SET name = excluded.name, bot_token = excluded.bot_token, installed_at = now()`,
        team, installation.team?.name ?? null, cipher.encrypt(token),
      );
    },
    // Only a missing row or token is SlackNotInstalledError; a database error or a token that does not
    // decrypt (TOKEN_ENCRYPTION_KEY changed) throws as it is, so the event answers 5xx and Slack redelivers it.
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const token = query.teamId ? await loadBotToken(db, cipher, query.teamId) : undefined;
      if (!token) throw new SlackNotInstalledError(query.teamId, `no installation for team ${query.teamId ?? '(none)'}: install the app with /slack/install`);
      const ids = await deps.botIds(token);
      return {
        team: { id: query.teamId! }, enterprise: undefined, user: { id: '', token: undefined, scopes: undefined },
        bot: { token, scopes: [], id: ids.botId ?? '', userId: ids.botUserId ?? '' },
      } as Installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      if (query.teamId) await forgetBotToken(db, query.teamId);
    },
  };
}

/** An uninstalled workspace (or revoked bot token): its token is dropped, its notice channel kept for a reinstall. */
export async function forgetBotToken(db: Db, team: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE communities SET bot_token = NULL WHERE platform = 'slack' AND external_id = $1`, team);
}

/** The decrypted bot token of an installed workspace, if any. */
export async function loadBotToken(db: Db, cipher: TokenCipher, team: string): Promise<string | undefined> {
  const rows = await db.$queryRawUnsafe<{ bot_token: Uint8Array | null }[]>(
    `SELECT bot_token FROM communities WHERE platform = 'slack' AND external_id = $1`, team,
  );
  const sealed = rows[0]?.bot_token;
  return sealed ? cipher.decrypt(sealed) : undefined;
}

/** An OAuth install the hub cannot keep (an org-wide install, no bot token). */
export class SlackInstallError extends Error {
  readonly code = 'SLACK_INSTALL_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'SlackInstallError';
  }
}
