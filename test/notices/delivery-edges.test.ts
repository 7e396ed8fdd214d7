import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordNoticeRest, createDiscordNoticeSender } from '../../adapters/discord/send.js';
import { setNoticeChannel } from '../../src/chat/set-notice-channel.js';
import { setStatementDms } from '../../src/chat/set-statement-dms.js';
import type { Db } from '../../src/db/database.js';
import { deliverNotice } from '../../src/notices/deliver-notice.js';
import { deriveNotices } from '../../src/notices/derive-notices.js';
import { claimNotice, loadNotice } from '../../src/notices/notice-store.js';
import { requeueNotices } from '../../src/notices/requeue-notices.js';
import { addSupporter, PERIOD, settle } from './support/notice-world.js';
import { startNotifyHarness, type NotifyHarness } from './support/notify-harness.js';

const GUILD = '41771983423143937';
const CHANNEL = '1166438023365812244';
const options = { holdDays: 90, timeZone: 'UTC' };

/** `count` creators flattred once each in one community, by supporters of 100 flattrs each (bulk SQL: the split is what matters). */
async function crowd(db: Db, o: { platform: 'slack' | 'discord'; community: string; channel: string; prefix: string; count: number }) {
  const supporters = Math.ceil(o.count / 100);
  for (let s = 0; s < supporters; s++) {
    const id = o.platform === 'slack' ? `${o.community}:US${o.prefix}${s}` : `8${o.prefix}${s}`;
    await addSupporter(db, o.platform, id, { budget: '100.00' });
    await db.$executeRawUnsafe(
      `WITH c AS (INSERT INTO identities (platform, external_id)
                  SELECT $1, $3 || lpad(n::text, 4, '0') FROM generate_series($4::int, $5::int) n RETURNING id, external_id)
       INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, community, channel, period, occurred_at, status, source_event_id)
       SELECT (SELECT user_id FROM identities WHERE platform = $1 AND external_id = $2), c.id, $1, 'item-' || c.external_id, $6, $7, $8,
              '2026-10-15T12:00:00Z', 'active', 'ev-' || c.external_id FROM c`,
      o.platform, id, o.platform === 'slack' ? `${o.community}:UC${o.prefix}` : `5${o.prefix}`, s * 100, Math.min(o.count, (s + 1) * 100) - 1,
      o.community, o.channel, PERIOD,
    );
  }
}

describe('delivering notices: splits, pace, retries and crashes', () => {
  let h: NotifyHarness;
  beforeAll(async () => {
    h = await startNotifyHarness();
    // 700 creators in one Slack workspace: more than one 40,000-character message. 60 on Discord: several 2,000-character ones.
    await crowd(h.db, { platform: 'slack', community: 'T1', channel: 'CBIG', prefix: '1', count: 700 });
    await crowd(h.db, { platform: 'discord', community: GUILD, channel: CHANNEL, prefix: '2', count: 60 });
    await setNoticeChannel(h.db, 'slack', 'T1', { channel: 'CBIG' });
    await settle(h.db);
    await deriveNotices(h.db, PERIOD, options);
  }, 120_000);
  afterAll(async () => { await h?.close(); });

  it('survives a crash between Discord\'s answer and the commit: the resend carries the same nonce, and Discord answers with the first message', async () => {
    const [row] = await h.db.$queryRawUnsafe<{ id: bigint }[]>(`SELECT id FROM notifications WHERE kind = 'statement' AND platform = 'discord' ORDER BY id LIMIT 1`);
    // The worker that took it sent it, and died before recording it: the row stays 'sending' under a lease that runs out.
    expect(await claimNotice(h.db, row!.id, { leaseMs: 45_000 })).toBe(true);
    let rest: ReturnType<typeof createDiscordNoticeRest> | undefined;
    const first = await createDiscordNoticeSender(() => (rest ??= createDiscordNoticeRest({ token: h.discord.token, apiUrl: h.discord.apiUrl }))).send((await loadNotice(h.db, row!.id))!);
    await h.db.$executeRawUnsafe(`UPDATE notifications SET lease_until = now() - interval '1 second' WHERE id = $1`, row!.id);
    const notice = (await loadNotice(h.db, row!.id))!;
    const user = 'user' in notice.destination ? notice.destination.user : '';
    // Slack pace on, strictly: the fake answers 429 to a second message within a second in one channel.
    h.slack.paceChannels(1_000);
    h.startWorker({ catchUpOnStart: true });
    await h.drained(60_000);
    expect(h.discordPosts({ user })).toHaveLength(1);
    expect(h.discordRequests(`/channels/${first.channel}/messages`)).toHaveLength(2);
    const [after] = await h.db.$queryRawUnsafe<{ status: string; message_id: string; attempts: number }[]>(`SELECT status, message_id, attempts FROM notifications WHERE id = $1`, row!.id);
    expect(after).toEqual({ status: 'sent', message_id: first.messageId, attempts: 2 });
  }, 90_000);

  it('splits the Slack digest only where 40,000 characters require, and posts the parts in order at most one a second, without a 429', async () => {
    const posts = h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CBIG');
    expect(posts.map((p) => p.answered)).toEqual(['ok', 'ok', 'ok']);
    expect(h.slack.channelRateLimited()).toBe(0);
    const texts = posts.map((p) => String(p.params.text));
    expect(texts.map((t) => t.split('\n')[0])).toEqual([1, 2, 3].map((i) => `*flattr-hub payouts for October 2026 (${i}/3)*`));
    expect(texts.every((t) => t.length <= 40_000)).toBe(true);
    expect(texts.join('\n').match(/^• <@UC1\d{4}>/gm)).toHaveLength(700);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(posts[2]!.at - posts[1]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('splits the Discord digest into 2,000-character messages, each allowing exactly the mentions it holds', async () => {
    const posts = h.discordPosts({ channel: CHANNEL }) as { content: string; allowed_mentions: { parse: string[]; users: string[] } }[];
    expect(posts.length).toBeGreaterThan(3);
    for (const [i, p] of posts.entries()) {
      expect(p.content.length).toBeLessThanOrEqual(2_000);
      expect(p.content.split('\n')[0]).toBe(`**flattr-hub payouts for October 2026 (${i + 1}/${posts.length})**`);
      expect(p.allowed_mentions).toEqual({ parse: [], users: [...p.content.matchAll(/<@(\d+)>/g)].map((m) => m[1]) });
    }
    expect(posts.flatMap((p) => p.allowed_mentions.users)).toHaveLength(60);
  });

  it('retries a transient failure with backoff, ends it retryable when attempts run out, and flattr notify sends it once later', async () => {
    await addSupporter(h.db, 'slack', 'T2:ULATE');
    await setStatementDms(h.db, (await h.db.$queryRawUnsafe<{ user_id: number }[]>(`SELECT user_id FROM identities WHERE external_id = 'T2:ULATE'`))[0]!.user_id, true);
    await h.db.$executeRawUnsafe(
      `INSERT INTO notifications (kind, period, target, platform, community, channel, payload) VALUES ('digest', $1, 'slack:T2', 'slack', 'T2', 'CFLAKY', $2)`,
      PERIOD, JSON.stringify({ text: 'flattr-hub (bot): a digest', mentions: [] }),
    );
    h.slack.failChannel('CFLAKY', 'internal_error');
    await requeueNotices(h.db, h.queue, PERIOD, { ...options, retry: { attempts: 3, backoffMs: 100 } });
    await h.drained();
    const state = async () => (await h.db.$queryRawUnsafe<{ status: string; reason: string; retryable: boolean; attempts: number }[]>(
      `SELECT status, reason, retryable, attempts FROM notifications WHERE channel = 'CFLAKY'`))[0];
    const failed = await state();
    // Three send attempts at least; a job stalled on a loaded machine may be taken over once more (it still sends at most once).
    expect(failed).toEqual({ status: 'failed', reason: 'internal_error', retryable: true, attempts: expect.any(Number) });
    expect(failed!.attempts).toBeGreaterThanOrEqual(3);
    h.slack.failChannel('CFLAKY', '');
    const queued = await requeueNotices(h.db, h.queue, PERIOD, options);
    expect(queued).toHaveLength(1);
    await h.drained();
    expect(await state()).toMatchObject({ status: 'sent', attempts: failed!.attempts + 1 });
    expect(h.slack.posted('CFLAKY')).toHaveLength(1);
    // Once sent, another flattr notify has nothing to send.
    expect(await requeueNotices(h.db, h.queue, PERIOD, options)).toEqual([]);
  });

  it('skips a notice for a platform with no sender (X, until its adapter exists) with reason no_sender', async () => {
    const [row] = await h.db.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO notifications (kind, period, target, platform, payload) VALUES ('statement', $1, 'user:999999', 'twitter', '{"text":"x","mentions":[]}') RETURNING id`, PERIOD);
    const result = await deliverNotice({ db: h.db, senders: new Map() }, row!.id, { finalAttempt: false });
    expect(result).toEqual({ outcome: 'skipped', reason: 'no_sender' });
    expect(await h.db.$queryRawUnsafe(`SELECT status, reason FROM notifications WHERE id = $1`, row!.id)).toEqual([{ status: 'skipped', reason: 'no_sender' }]);
  });
});
