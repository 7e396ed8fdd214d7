import { Routes, type REST } from 'discord.js';
import type { Logger } from '../../src/support/logger.js';
import { flattrCommand } from './commands.js';

export type CommandScope = 'global' | 'guild';

/**
 * Bulk-overwrites `/flattr` (PUT, idempotent: every start may do it), for
 * every server the bot is in, or in one guild (guild scope: each shard
 * client registers in its guilds), which Discord applies at once (handy
 * while developing). A failure is logged, not fatal: reactions still count.
 * https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 */
export async function registerCommands(rest: REST, applicationId: string, logger: Logger, guildId?: string): Promise<void> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const scope: CommandScope = guildId ? 'guild' : 'global';
  try {
    await rest.put(route, { body: [flattrCommand()] });
    logger.info({ scope, guild: guildId }, 'discord: /flattr registered');
  } catch (error) {
    logger.error({ err: error, scope, guild: guildId }, 'discord: could not register /flattr; check DISCORD_APPLICATION_ID and that the bot was invited with the applications.commands scope');
  }
}
