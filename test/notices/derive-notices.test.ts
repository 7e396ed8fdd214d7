import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMentions } from '../../src/chat/set-mentions.js';
import { setNoticeChannel } from '../../src/chat/set-notice-channel.js';
import { setStatementDms } from '../../src/chat/set-statement-dms.js';
import { deriveNotices } from '../../src/notices/derive-notices.js';
import { formatDay } from '../../src/notices/format-notice.js';
import { NoticesNotReadyError } from '../../src/notices/notices-not-ready-error.js';
import { loadPersonMoney } from '../../src/people/load-person-money.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { addFlattrs, addSupporter, settle } from './support/notice-world.js';

type Row = { kind: string; target: string; part: number; parts: number; platform: string; community: string; channel: string | null; status: string; reason: string | null; locale: string; text: string; mentions: string[] };

const options = { holdDays: 90, timeZone: 'UTC', now: new Date('2026-11-02T00:00:00Z') };

/** What a settled period's notices are: who is told what, where, once. */
describe('deriving the notices of a settled period', () => {
  let database: TestDatabase;
  const db = () => database.prisma;
  const userOf = async (externalId: string) => (await db().$queryRawUnsafe<{ user_id: number }[]>(`SELECT user_id FROM identities WHERE external_id = $1`, externalId))[0]!.user_id;
  const rows = async (period: string): Promise<Row[]> => (await db().$queryRawUnsafe<(Omit<Row, 'text' | 'mentions'> & { payload: string })[]>(
    `SELECT kind, target, part, parts, platform, community, channel, status, reason, locale, payload FROM notifications WHERE period = $1 ORDER BY kind, target, part`, period,
  )).map(({ payload, ...r }) => ({ ...r, ...(JSON.parse(payload) as { text: string; mentions: string[] }) }));

  beforeAll(async () => {
    database = await createPostgresDatabase();
    await addSupporter(db(), 'slack', 'T1:UANN', { wallet: '40.00' });
    await addSupporter(db(), 'slack', 'T1:UBEN', { locale: 'fr' });
    await addSupporter(db(), 'slack', 'T1:UDAVE', { wallet: '0' });
    await addSupporter(db(), 'slack', 'T2:UZED');
    await addSupporter(db(), 'discord', '801');
    await setStatementDms(db(), await userOf('T1:UBEN'), false);
    await setStatementDms(db(), await userOf('T1:UDAVE'), true);
    // X: a DM only to a connected account (OAuth token kept) whose owner said yes (X's rules): X1 only.
    for (const x of ['X1', 'X2', 'X3']) await addSupporter(db(), 'twitter' as 'slack', x, { budget: '1.00' });
    await db().$executeRawUnsafe(`INSERT INTO x_tokens (identity_id, access_token, expires_at) SELECT id, '\\x01', now() FROM identities WHERE external_id IN ('X1', 'X2')`);
    for (const x of ['X1', 'X3']) await setStatementDms(db(), await userOf(x), true);
    await setMentions(db(), 'slack', 'T1:UEVE', false, 'Eve *stars* <!here>');
    await setNoticeChannel(db(), 'slack', 'T2', 'off');
    // September: Old is flattred in T1 and never again; his escrow is what a later digest reminds of.
    await addFlattrs(db(), [{ platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UOLD', community: 'T1', channel: 'C1', item: 'T1:C1:0' }], '2026-09');
    await settle(db(), '2026-09');
    await addFlattrs(db(), [
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:1' },
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UDAVE', community: 'T1', channel: 'C2', item: 'T1:C2:2' },
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UEVE', community: 'T1', channel: 'C1', item: 'T1:C1:3' },
      { platform: 'slack', supporter: 'T1:UBEN', creator: 'T1:UCAROL', community: 'T1', channel: 'C2', item: 'T1:C2:4' },
      { platform: 'slack', supporter: 'T2:UZED', creator: 'T2:UYVES', community: 'T2', channel: 'C9', item: 'T2:C9:5' },
      { platform: 'discord', supporter: '801', creator: '539', community: 'G1', channel: '', item: 'G1::6' },
      ...['X1', 'X2', 'X3'].map((x, i) => ({ platform: 'twitter' as 'slack', supporter: x, creator: 'X9', community: '', channel: '', item: `tweet-${i}` })),
    ]);
    await db().$executeRawUnsafe(`UPDATE flattrs SET channel = NULL WHERE channel = ''`);
    await db().$executeRawUnsafe(`UPDATE flattrs SET community = NULL WHERE community = ''`);
  });
  afterAll(async () => { await database?.drop(); });

  it('refuses a period that is not settled, writing nothing', async () => {
    await expect(deriveNotices(db(), '2026-10', options)).rejects.toBeInstanceOf(NoticesNotReadyError);
    await expect(deriveNotices(db(), '2026-1', options)).rejects.toThrow('is not a period');
    expect(await rows('2026-10')).toEqual([]);
  });

  it('derives one digest per community, once, in its channel, with each creator\'s amount from that community and supporters', async () => {
    await settle(db());
    // The settle hook and the catch-up racing: one derivation writes, the other finds it done.
    const [a, b] = await Promise.all([deriveNotices(db(), '2026-10', options), deriveNotices(db(), '2026-10', options)]);
    expect([a.derived, b.derived].sort()).toEqual([false, true]);
    const digests = (await rows('2026-10')).filter((r) => r.kind === 'digest');
    expect(digests.map(({ text: _t, mentions: _m, ...r }) => r)).toEqual([
      { kind: 'digest', target: 'discord:G1', part: 1, parts: 1, platform: 'discord', community: 'G1', channel: null, status: 'skipped', reason: 'no_channel', locale: 'en' },
      // C1 and C2 each have two flattrs: the tie goes to the smaller id, the same on every derivation.
      { kind: 'digest', target: 'slack:T1', part: 1, parts: 1, platform: 'slack', community: 'T1', channel: 'C1', status: 'pending', reason: null, locale: 'en' },
      { kind: 'digest', target: 'slack:T2', part: 1, parts: 1, platform: 'slack', community: 'T2', channel: 'C9', status: 'skipped', reason: 'channel_off', locale: 'en' },
    ]);
    const t1 = digests.find((d) => d.target === 'slack:T1')!;
    const carol = await loadPersonMoney(db(), 'slack', 'T1:UCAROL', 90);
    const back = formatDay(carol!.creator.escrow[0]!.returnsFrom, 'en', 'UTC');
    expect(t1.text.split('\n').slice(1, 5)).toEqual([
      'An automatic message from the flattr-hub bot. Supporters in this workspace flattred 3 creators:',
      `• <@UCAROL>: €12.00 from 2 supporters, not collected yet: \`/flattr join\` before ${back}, or it goes back to the supporters`,
      '• <@UDAVE>: €3.00 from 1 supporter',
      `• Eve \u2217stars\u2217 &lt;!here&gt;: €3.00 from 1 supporter, not collected yet: \`/flattr join\` before ${back}, or it goes back to the supporters`,
    ]);
    // Eve turned mentions off: named, not pinged.
    expect(t1.mentions).toEqual(['UCAROL', 'UDAVE']);
  });

  it('reminds an unclaimed creator not flattred this month, once, in the digest of the community where they were', async () => {
    const t1 = (await rows('2026-10')).find((r) => r.target === 'slack:T1')!;
    // Old's September escrow starts going back 90 days after it was credited: inside the reminder window? Not with 90 days.
    expect(t1.text).not.toContain('UOLD');
    // A shorter hold puts it inside the window: November's digest carries the reminder, December's does not repeat it.
    await addFlattrs(db(), [{ platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:7' }], '2026-11');
    await settle(db(), '2026-11', new Date('2026-12-02T00:00:00Z'));
    // Escrow is dated by the database's clock: the window is read from now too.
    await deriveNotices(db(), '2026-11', { ...options, holdDays: 30, now: new Date() });
    const november = (await rows('2026-11')).find((r) => r.target === 'slack:T1')!;
    // Eve (October) and Old (September) were not flattred in November; Carol is listed with her date already.
    expect(november.text).toMatch(new RegExp([
      '\n\nLast reminder, money still waiting:',
      '• Eve \u2217stars\u2217 &lt;!here&gt;: €3\\.00, `/flattr join` before .+, or it goes back to the supporters',
      '• <@UOLD>: €9\\.00, `/flattr join` before .+, or it goes back to the supporters\n',
    ].join('\n')));
    expect(november.mentions).toEqual(['UCAROL', 'UOLD']);
    expect(await db().$queryRawUnsafe(`SELECT community, trim(period) AS period FROM escrow_reminders`)).toEqual([
      { community: 'T1', period: '2026-11' }, { community: 'T1', period: '2026-11' },
    ]);
    await addFlattrs(db(), [{ platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:8' }], '2026-12');
    await settle(db(), '2026-12', new Date('2027-01-02T00:00:00Z'));
    await deriveNotices(db(), '2026-12', { ...options, holdDays: 30, now: new Date() });
    expect((await rows('2026-12')).find((r) => r.target === 'slack:T1')!.text).not.toContain('Last reminder');
  });

  it('derives statements for supporters with statements on, on the account they joined with, and none for Ben who turned them off', async () => {
    const statements = (await rows('2026-10')).filter((r) => r.kind === 'statement');
    expect(statements.map((s) => [s.platform, s.community, s.locale])).toEqual([['slack', 'T1', 'en'], ['slack', 'T2', 'en'], ['discord', '', 'en'], ['twitter', '', 'en']]);
    expect(statements.at(-1)!.target).toBe(`user:${await userOf('X1')}`);
    expect(statements[0]!.text).toBe([
      '*Your flattr-hub statement for October 2026*',
      'An automatic message from the flattr-hub bot.',
      'Charged €10.00 for 3 flattrs, of which €1.00 is the hub\'s fee.',
      // Equal shares: in the order the creators' accounts were first seen.
      'Where it went: <@UDAVE> €3.00, <@UEVE> €3.00, <@UCAROL> €3.00.',
      'Budget €10.00, unspent €0.00.',
      '_`/flattr statement off` stops these messages · `/flattr status` shows your budget and wallet_',
    ].join('\n'));
    expect(statements[0]!.mentions).toEqual([]);
  });

  it('derives the creator DM for Dave, who turned statements on: what came from each community, and his balance', async () => {
    const creator = (await rows('2026-10')).filter((r) => r.kind === 'creator');
    expect(creator.map((c) => [c.target, c.platform, c.community])).toEqual([[`user:${await userOf('T1:UDAVE')}`, 'slack', 'T1']]);
    expect(creator[0]!.text).toBe([
      '*What you received through flattr-hub for October 2026*',
      'An automatic message from the flattr-hub bot.',
      '• Slack, workspace T1: €3.00 from 1 supporter',
      'Your balance is now €3.00.',
      '_`/flattr statement off` stops these messages · `/flattr status` shows your budget and wallet_',
    ].join('\n'));
  });
  it('writes the same notices when digests and statements are rendered a page of one community and one supporter at a time (pages with no DM account included)', async () => {
    const before = await rows('2026-10');
    expect(before.filter((r) => r.kind === 'statement').length).toBeGreaterThan(2);
    await db().$executeRawUnsafe(`DELETE FROM notifications WHERE period = '2026-10'`);
    await db().$executeRawUnsafe(`DELETE FROM notice_periods WHERE period = '2026-10'`);
    const again = await deriveNotices(db(), '2026-10', { ...options, statementPage: 1, digestPage: 1 });
    expect(again).toEqual({ period: '2026-10', derived: true, notices: before.length });
    expect(await rows('2026-10')).toEqual(before);
  });
});
