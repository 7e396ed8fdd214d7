import type { ChatContext, ChatDeps, ChatLocale } from './chat-types.js';
import type { ChatUser } from './find-chat-user.js';
import type { Messages } from './messages.js';

/** One command being answered: who, where, in which language, with what. */
export type Run = { deps: ChatDeps; ctx: ChatContext; user: ChatUser | undefined; m: Messages; locale: ChatLocale };
