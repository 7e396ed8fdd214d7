import { InvalidInputError } from '../domain/errors.js';
import type { Run } from './chat-run.js';
import { loadStatus } from './chat-status.js';
import type { ChatContext, ChatDeps, ChatLocale, ChatReply } from './chat-types.js';
import { findChatUser } from './find-chat-user.js';
import { linkCommand } from './link-command.js';
import { loginCommand } from './login-command.js';
import { MESSAGES, type Messages } from './messages.js';
import { parseChatCommand, type ChatCommand } from './parse-chat-command.js';
import { parseItemRef } from './parse-item-ref.js';
import { setMentions } from './set-mentions.js';
import { setNoticeChannel } from './set-notice-channel.js';
import { setStatementDms } from './set-statement-dms.js';
import { budgetCommand, emojiCommand, joinCommand, toggleCommand } from './supporter-commands.js';
import { topupCommand } from './topup-command.js';
import { undoFlattr } from './undo-flattr.js';

export type { ChatContext, ChatDeps, ChatReply } from './chat-types.js';

/**
 * `/flattr <text>` on any platform: the adapter hands over who typed it and
 * where, and sends the reply back ephemerally. Bad input gets a helpful
 * reply and changes nothing; an unexpected failure is logged and answered
 * politely rather than thrown into the platform SDK.
 */
export async function runChatCommand(deps: ChatDeps, ctx: ChatContext, text: string): Promise<ChatReply> {
  const command = parseChatCommand(text);
  let m = MESSAGES[ctx.locale ?? 'en'];
  try {
    const user = await findChatUser(deps.db, ctx.platform, ctx.userExternalId);
    const locale: ChatLocale = ctx.locale ?? user?.locale ?? 'en';
    m = MESSAGES[locale];
    return { text: await dispatch(command, { deps, ctx, user, m, locale }) };
  } catch (error) {
    if (error instanceof InvalidInputError) return { text: explain(error, command, m) };
    deps.logger.error({ err: error, platform: ctx.platform, command: command.kind }, 'chat command failed');
    return { text: m.failed };
  }
}

async function dispatch(command: ChatCommand, r: Run): Promise<string> {
  const { deps, ctx, m } = r;
  switch (command.kind) {
    case 'help': return m.help;
    case 'login': return loginCommand(r);
    case 'topup': return topupCommand(r, command.amount, command.currency);
    case 'unknown': return `${m.unknown(command.word)}\n\n${m.help}`;
    case 'join': return joinCommand(r);
    case 'budget': return budgetCommand(r, command.amount, command.currency);
    case 'on': return toggleCommand(r, true, command.platform);
    case 'off': return toggleCommand(r, false, command.platform);
    case 'emoji': return emojiCommand(r, command.emoji);
    case 'status': return statusCommand(r);
    case 'undo': {
      if (!command.target) return m.undoMissing;
      const ref = parseItemRef(command.target, ctx);
      if (!ref) return m.undoMissing;
      if (!r.user) return m.undoNothing;
      const count = await undoFlattr(deps.db, r.user.userId, ref, deps.now());
      return count > 0 ? m.undone(count) : m.undoNothing;
    }
    case 'link': return linkCommand(r, command.code, command.confirm);
    case 'channel': {
      if (!ctx.isCommunityAdmin) return m.channelNotAdmin;
      if (command.off && ctx.community) {
        await setNoticeChannel(deps.db, ctx.platform, ctx.community, 'off');
        return m.channelOff;
      }
      if (!ctx.community || !ctx.channel) return m.channelNoChannel;
      // The community's own locale where the platform has one (Discord), else the admin's who chose the channel.
      await setNoticeChannel(deps.db, ctx.platform, ctx.community, { channel: ctx.channel, locale: ctx.communityLocale ?? ctx.locale });
      return m.channelSet(ctx.channel);
    }
    case 'statement': {
      if (command.on === undefined) return m.statementUsage;
      if (!r.user || !(await setStatementDms(deps.db, r.user.userId, command.on))) return m.notJoined;
      return command.on ? m.statementOn : m.statementOff;
    }
    case 'mentions': {
      if (command.on === undefined) return m.mentionsUsage;
      await setMentions(deps.db, ctx.platform, ctx.userExternalId, command.on, ctx.displayName);
      return command.on ? m.mentionsOn : m.mentionsOff;
    }
  }
}

/** Both sides: a supporter's settings and money, and a creator's (or an unclaimed account's escrow). */
async function statusCommand(r: Run): Promise<string> {
  const { deps, ctx, m } = r;
  const money = deps.money ?? { escrowHoldDays: 90, timeZone: 'UTC' };
  const status = await loadStatus(deps.db, ctx.platform, ctx.userExternalId, r.locale, { holdDays: money.escrowHoldDays, timeZone: money.timeZone });
  if (status?.supporter) return m.status(status.supporter);
  if (status?.creator) return m.creatorStatus(status.creator, r.user !== undefined);
  return m.notJoined;
}

/** A validation failure, in the person's language, naming what they typed. */
function explain(error: InvalidInputError, command: ChatCommand, m: Messages): string {
  if (command.kind === 'budget') {
    return error.field === 'currency' ? m.badCurrency(command.currency ?? '') : m.badAmount(command.amount ?? '');
  }
  if (command.kind === 'on' || command.kind === 'off') return m.badPlatform(command.platform ?? '');
  if (command.kind === 'emoji') return m.missingEmoji;
  return m.failed;
}
