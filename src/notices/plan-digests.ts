import type { Tx } from '../db/database.js';
import { noticeLocale } from './format-notice.js';
import { loadDigestCommunities, loadDigestListings, loadDigestShares, type CommunityKey } from './load-digest-shares.js';
import { loadEscrowWaiting, type EscrowWaitingRow } from './load-escrow-waiting.js';
import { channelKey, loadNoticeChannels, type NoticeChannel } from './load-notice-channels.js';
import type { NewNotice, NewReminder } from './notice-row.js';
import { renderDigest, type DigestPerson, type DigestReminder } from './render-digest.js';

export type PlanOptions = { holdDays: number; timeZone: string; now: Date };

/**
 * An unclaimed identity whose escrow starts going back within this many days
 * is reminded in this period's digest: the next digest comes in about a
 * month, and the reminder should come at least 14 days before the money
 * goes (docs/architecture.md, Notices).
 */
export const REMINDER_WINDOW_DAYS = 31 + 14;

/** Communities whose digests are rendered at a time: deriving holds one page of digests, however many communities there are. */
export const DIGEST_PAGE = 50;

type Reader = Pick<Tx, '$queryRawUnsafe'>;

/** What every page of a period's digests needs: the communities in order, where each digest goes, and the reminders they carry. */
export type DigestPlan = { communities: CommunityKey[]; channels: Map<string, NoticeChannel>; reminders: PlannedReminder[] };

/**
 * The payout digests of a period, one per community (in parts where the
 * platform's size limit requires), with the escrow reminders they carry.
 * A community whose admins turned digests off, or with no channel known,
 * gets its digest recorded as skipped with that reason. Every page at
 * once: for `flattr notify --dry-run`; deriving renders a page at a time.
 */
export async function planDigests(db: Reader, period: string, o: PlanOptions): Promise<{ notices: NewNotice[]; reminders: NewReminder[] }> {
  const plan = await planDigestContext(db, period, o);
  const notices: NewNotice[] = [];
  for (let i = 0; i < plan.communities.length; i += DIGEST_PAGE) notices.push(...await planDigestPage(db, period, plan, plan.communities.slice(i, i + DIGEST_PAGE), o));
  return { notices, reminders: plan.reminders.map((r) => r.record) };
}

/** The period's digest communities, their channels and the reminders (decided over all of them at once: each identity is reminded in one digest). */
export async function planDigestContext(db: Reader, period: string, o: PlanOptions): Promise<DigestPlan> {
  const communities = await loadDigestCommunities(db, period);
  if (communities.length === 0) return { communities, channels: new Map(), reminders: [] };
  const channels = await loadNoticeChannels(db, period, communities);
  const reminders = await planReminders(db, communities.filter((c) => {
    const where = channels.get(channelKey(c.platform, c.community));
    return where?.channel && !where.off;
  }), period, o);
  return { communities, channels, reminders };
}

/** The digests of these communities (a page of `plan.communities`), rendered. */
export async function planDigestPage(db: Reader, period: string, plan: DigestPlan, page: CommunityKey[], o: PlanOptions): Promise<NewNotice[]> {
  const communities = await loadDigestShares(db, period, page);
  const unclaimed = communities.flatMap((c) => c.creators.filter((x) => !x.claimed).map((x) => x.identityId));
  const escrow = await loadEscrowWaiting(db, { identityIds: [...new Set(unclaimed)] }, o.holdDays);
  const notices: NewNotice[] = [];
  for (const c of communities) {
    const key = channelKey(c.platform, c.community);
    const where = plan.channels.get(key) ?? { channel: null, off: false, locale: null };
    const locale = noticeLocale(where.locale);
    const mine = plan.reminders.filter((r) => r.key === key);
    const parts = renderDigest({
      platform: c.platform, locale, period, timeZone: o.timeZone,
      creators: c.creators.map((x) => ({ ...person(c.platform, x), amounts: x.amounts, supporters: x.supporters, returnsFrom: x.claimed ? undefined : escrow.get(x.identityId)?.returnsFrom })),
      reminders: mine.map((r) => r.reminder),
    });
    const skip = where.off ? 'channel_off' : where.channel ? null : 'no_channel';
    parts.forEach((payload, i) => notices.push({
      kind: 'digest', period, target: key, part: i + 1, parts: parts.length, platform: c.platform, community: c.community,
      channel: where.channel, recipientIdentityId: null, locale, payload, status: skip ? 'skipped' : 'pending', reason: skip,
    }));
  }
  return notices;
}

function person(platform: 'slack' | 'discord', x: { externalId: string; handle: string | null; mentions: boolean }): DigestPerson {
  // Slack identities are "TEAM:USER"; a mention is the user id alone.
  const platformUserId = platform === 'slack' ? x.externalId.split(':')[1] ?? x.externalId : x.externalId;
  return { platformUserId, mention: x.mentions, name: x.handle };
}

type PlannedReminder = { key: string; reminder: DigestReminder; record: NewReminder };

/**
 * Unclaimed identities not yet reminded whose escrow starts going back
 * within the window, each reminded once: in the digest of a community where
 * it was flattred (the first such community in this period's digests),
 * unless that digest already lists it with its date.
 */
async function planReminders(db: Reader, communities: CommunityKey[], period: string, o: PlanOptions): Promise<PlannedReminder[]> {
  if (communities.length === 0) return [];
  const horizon = o.now.getTime() + REMINDER_WINDOW_DAYS * 24 * 3600_000;
  const due = [...(await loadEscrowWaiting(db, { unreminded: true }, o.holdDays)).values()]
    .filter((w) => w.returnsFrom.getTime() > o.now.getTime() && w.returnsFrom.getTime() <= horizon);
  if (due.length === 0) return [];
  const earned = await db.$queryRawUnsafe<{ identity_id: number; platform: string; community: string; external_id: string; handle: string | null; mentions: boolean }[]>(
    `SELECT DISTINCT f.recipient_identity_id AS identity_id, f.platform, f.community, i.external_id, i.handle, i.mentions
       FROM flattrs f JOIN identities i ON i.id = f.recipient_identity_id
      WHERE f.recipient_identity_id = ANY($1::int[]) AND f.community IS NOT NULL
      ORDER BY 1, 2, 3`,
    due.map((d) => d.identityId),
  );
  const digests = new Map(communities.map((c) => [channelKey(c.platform, c.community), c]));
  const listed = new Set((await loadDigestListings(db, period, due.map((d) => d.identityId))).map((l) => `${channelKey(l.platform, l.community)}\u001f${l.identity_id}`));
  const byId = new Map<number, EscrowWaitingRow>(due.map((d) => [d.identityId, d]));
  const planned: PlannedReminder[] = [];
  const reminded = new Set<number>();
  for (const e of earned) {
    const key = channelKey(e.platform, e.community);
    const digest = digests.get(key);
    if (!digest || reminded.has(e.identity_id)) continue;
    reminded.add(e.identity_id);
    if (listed.has(`${key}\u001f${e.identity_id}`)) continue;
    const w = byId.get(e.identity_id)!;
    planned.push({
      key,
      reminder: { ...person(digest.platform, { externalId: e.external_id, handle: e.handle, mentions: e.mentions }), amounts: w.amounts, returnsFrom: w.returnsFrom },
      record: { identityId: e.identity_id, platform: e.platform, community: e.community, period },
    });
  }
  return planned;
}
