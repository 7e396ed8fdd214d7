import { Routes, type Client } from 'discord.js';
import type { Logger } from '../../src/support/logger.js';
import { flattrCommand } from './commands.js';

export type CommandScope = 'global' | 'guild';

/**
 * Bulk-overwrites `/flattr` (PUT, idempotent: every start may do it). Global
 * commands reach every server the bot is in; guild scope registers in each
 * guild as the bot sees it, which Discord applies at once (handy while
 * developing). A failure is logged, not fatal: reactions still count.
 * https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 */
export async function registerCommands(client: Client, applicationId: string, scope: CommandScope, logger: Logger, guildId?: string): Promise<void> {
  if (scope === 'guild' && !guildId) {
    await Promise.all(client.guilds.cache.map((g) => registerCommands(client, applicationId, scope, logger, g.id)));
    return;
  }
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  try {
    await client.rest.put(route, { body: [flattrCommand()] });
    logger.info({ scope, guild: guildId }, 'discord: /flattr registered');
  } catch (error) {
    logger.error({ err: error, scope, guild: guildId }, 'discord: could not register /flattr; check DISCORD_APPLICATION_ID and that the bot was invited with the applications.commands scope');
  }
}
