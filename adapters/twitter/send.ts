import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { z } from 'zod';
import type { Db } from '../../src/db/database.js';
import { NoticeSendError } from '../../src/notices/notice-send-error.js';
import type { NoticeSender } from '../../src/notices/port.js';
import { describeXError, XTokenUnavailableError, type XAccessTokens } from './access-token.js';
import { xIdentityId } from './token-store.js';
import { xClient, type XClientSettings } from './x-client.js';

const sentSchema = z.looseObject({ data: z.looseObject({ dm_conversation_id: z.string(), dm_event_id: z.string() }) });

/**
 * X notices are DMs, and only DMs: nothing is posted, replied or mentioned on
 * X (its Developer Policy allows automated replies only when summoned). A DM
 * goes from the hub's own X account (TWITTER_DM_SENDER_ID, connected through
 * /auth/twitter?dm=1 so its grant holds dm.write) to a person who consented:
 * they connected their X account and kept statements on (the notice planner
 * derives statement DMs only for those; this sender refuses anyone not
 * connected). POST /2/dm_conversations/with/:participant_id/messages.
 */
export function createXNoticeSender(o: { db: Db; tokens: XAccessTokens; settings: XClientSettings; dmSenderId?: string }): NoticeSender {
  return {
    platform: 'twitter',
    async send(notice) {
      if (!('user' in notice.destination)) throw new NoticeSendError('permanent', 'not_a_dm', 'X notices are DMs only: the hub posts nothing on X');
      const recipient = notice.destination.user;
      if (!o.dmSenderId) throw new NoticeSendError('permanent', 'no_dm_sender', 'no X account sends DMs: set TWITTER_DM_SENDER_ID to the hub\'s X user id and connect it at /auth/twitter?dm=1');
      const recipientIdentity = await xIdentityId(o.db, recipient);
      if (recipientIdentity === undefined || !(await o.tokens.isXConnected(recipientIdentity))) {
        throw new NoticeSendError('permanent', 'not_connected', `X user ${recipient} has not connected X (no consent to DMs)`);
      }
      const senderIdentity = await xIdentityId(o.db, o.dmSenderId);
      let token: string | undefined;
      try {
        token = senderIdentity === undefined ? undefined : await o.tokens.accessTokenFor(senderIdentity);
      } catch (error) {
        if (error instanceof XTokenUnavailableError) throw new NoticeSendError('transient', 'token_unavailable', error.message);
        throw error;
      }
      if (!token) throw new NoticeSendError('permanent', 'dm_sender_not_connected', `the DM sender ${o.dmSenderId} is not connected: connect it at /auth/twitter?dm=1`);
      try {
        const sent = sentSchema.parse(await xClient(o.settings, token).v2.post(`dm_conversations/with/${recipient}/messages`, { text: notice.payload.text }));
        return { messageId: sent.data.dm_event_id, channel: sent.data.dm_conversation_id };
      } catch (error) {
        throw classifyXSendError(error);
      }
    },
  };
}

/**
 * An X failure as the notify worker needs it: a 429 waits for the window's
 * reset; 400, 401 and 403 (DMs closed, the user blocks the sender, a grant
 * without dm.write) are permanent; 5xx and the network are transient.
 */
export function classifyXSendError(error: unknown): NoticeSendError {
  if (error instanceof NoticeSendError) return error;
  if (error instanceof ApiResponseError) {
    if (error.code === 429) {
      const reset = error.rateLimit?.reset;
      return new NoticeSendError('rate_limited', 'rate_limited', `X rate limit: ${describeXError(error)}`, reset ? Math.max(1000, reset * 1000 - Date.now()) : 60_000);
    }
    return new NoticeSendError(error.code >= 500 ? 'transient' : 'permanent', `x_${error.code}`, `X answered ${describeXError(error)}`);
  }
  if (error instanceof ApiRequestError) return new NoticeSendError('transient', 'network', `X could not be reached: ${error.requestError.message}`);
  return new NoticeSendError('transient', 'network', `X could not be reached: ${(error as Error).message ?? String(error)}`);
}
