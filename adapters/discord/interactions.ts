import { MessageFlags, PermissionFlagsBits, type Interaction } from 'discord.js';
import type { AdapterContext } from '../../src/adapters/port.js';
import { chatLocale, type ChatDeps } from '../../src/chat/chat-types.js';
import { runChatCommand } from '../../src/chat/run-chat-command.js';
import { commandLine } from './commands.js';

/** Discord drops an interaction not answered within 3 s; past this, defer and edit the reply in later. */
const DEFER_AFTER_MS = 2_000;
/** Message content limit. https://discord.com/developers/docs/resources/message#create-message */
const MAX_CONTENT = 2_000;

/**
 * `/flattr <subcommand>` → the shared chat use case → an ephemeral reply
 * (flags 64) through the interaction callback. Community admins are members
 * with Manage Server, the permission Discord itself asks for server settings.
 */
export function createInteractionHandler(deps: { chat: ChatDeps; ignore: AdapterContext['ignore']; deferAfterMs?: number }) {
  return async (interaction: Interaction): Promise<void> => {
    if (!interaction.isChatInputCommand() || interaction.commandName !== 'flattr') {
      return deps.ignore('discord', 'unknown_interaction', { type: interaction.type, id: interaction.id });
    }
    const sub = interaction.options.data[0];
    // An unknown subcommand (a stale registration) still gets the chat's "unknown word" help.
    const line = sub ? commandLine({ name: sub.name, options: sub.options }) ?? sub.name : 'help';
    const reply = runChatCommand(deps.chat, {
      platform: 'discord',
      userExternalId: interaction.user.id,
      ...(interaction.guildId ? { community: interaction.guildId } : {}),
      ...(interaction.channelId ? { channel: interaction.channelId } : {}),
      isCommunityAdmin: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
      locale: chatLocale(interaction.locale),
      communityLocale: chatLocale(interaction.guildLocale),
      displayName: interaction.user.globalName ?? interaction.user.username,
    }, line);
    const deferAfter = deps.deferAfterMs ?? DEFER_AFTER_MS;
    // 0: always defer (the reply then never races Discord's 3-second limit).
    const quick = deferAfter === 0 ? undefined
      : await Promise.race([reply, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), deferAfter).unref())]);
    try {
      if (quick) {
        await interaction.reply({ content: fit(quick.text), flags: MessageFlags.Ephemeral });
      } else {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply({ content: fit((await reply).text) });
      }
    } catch (error) {
      deps.chat.logger.warn({ err: error, subcommand: sub?.name }, 'discord: could not answer an interaction');
    }
  };
}

function fit(text: string): string {
  return text.length <= MAX_CONTENT ? text : `${text.slice(0, MAX_CONTENT - 1)}…`;
}
