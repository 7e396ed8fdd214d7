import type { ChatLocale } from '../chat/chat-types.js';
import type { Platform } from '../domain/like-event.js';
import type { NoticeKind, NoticePayload } from './port.js';

/** A notice as derived, before it is an outbox row: rendered, addressed, and pending or skipped with a reason. */
export type NewNotice = {
  kind: NoticeKind;
  period: string;
  target: string;
  part: number;
  parts: number;
  platform: Platform;
  community: string;
  channel: string | null;
  recipientIdentityId: number | null;
  locale: ChatLocale;
  payload: NoticePayload;
  status: 'pending' | 'skipped';
  reason: string | null;
};

/** An unclaimed identity reminded in a digest: recorded with it, so it is reminded once. */
export type NewReminder = { identityId: number; platform: string; community: string; period: string };

/** The platform user id a DM goes to, and the workspace it goes through: Slack identities are "TEAM:USER". */
export function dmAddress(platform: string, externalId: string): { community: string; user: string } {
  if (platform !== 'slack') return { community: '', user: externalId };
  const [team = '', user = ''] = externalId.split(':');
  return { community: team, user };
}
