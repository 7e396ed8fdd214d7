import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLine, flattrCommand } from '../../adapters/discord/commands.js';
import { runChatCommand, type ChatContext } from '../../src/chat/run-chat-command.js';
import { createLogger } from '../../src/support/logger.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { addFlattrs, addSupporter, settle } from './support/notice-world.js';

/** The chat words notices added (channel off, statement, mentions), and /flattr status and join for creators. */
describe('chat commands for notices', () => {
  let database: TestDatabase;
  const db = () => database.prisma;
  const deps = () => ({ db: db(), now: () => new Date('2026-11-20T12:00:00Z'), logger: createLogger('silent'), money: { escrowHoldDays: 90, timeZone: 'UTC' } });
  const slack = (user: string, over: Partial<ChatContext> = {}): ChatContext =>
    ({ platform: 'slack', userExternalId: `T1:${user}`, community: 'T1', channel: 'C1', isCommunityAdmin: false, ...over });
  // French money has narrow no-break spaces ("13,50 €"): compared with plain ones.
  const run = async (ctx: ChatContext, text: string) => (await runChatCommand(deps(), ctx, text)).text.replace(/[\u00a0\u202f]/g, ' ');
  const row = async <T>(sql: string, ...args: unknown[]) => (await db().$queryRawUnsafe<T[]>(sql, ...args))[0];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // Carol is flattred twice in October before she ever joins: €9.00 + €4.50 wait in her escrow.
    await addSupporter(db(), 'slack', 'T1:UANN');
    await addSupporter(db(), 'slack', 'T1:UBEN');
    await addFlattrs(db(), [
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:1' },
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UDAN', community: 'T1', channel: 'C1', item: 'T1:C1:2' },
      { platform: 'slack', supporter: 'T1:UBEN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:3' },
    ]);
    await settle(db());
  });
  afterAll(async () => { await database?.drop(); });

  it('lets only admins stop the community digests with channel off, and channel turns them on again in its locale', async () => {
    const community = () => row<{ notice_channel: string | null; digests_off: boolean; locale: string | null }>(
      `SELECT notice_channel, digests_off, locale FROM communities WHERE platform = 'slack' AND external_id = 'T-off'`);
    expect(await run(slack('UADMIN', { community: 'T-off' }), 'channel off')).toContain('Only community admins');
    expect(await community()).toBeUndefined();
    const admin = slack('UADMIN', { community: 'T-off', channel: 'C-digest', isCommunityAdmin: true, locale: 'fr' });
    expect(await run(admin, 'channel')).toBe('Les avis de paiement de cette communauté seront publiés dans <#C-digest>.');
    expect(await run({ ...admin, locale: 'en' }, 'channel off')).toBe('Payout digests for this community are off. `/flattr channel` in a channel turns them on again, there.');
    expect(await community()).toEqual({ notice_channel: 'C-digest', digests_off: true, locale: 'fr' });
    await run({ ...admin, communityLocale: 'en' }, 'channel');
    expect(await community()).toEqual({ notice_channel: 'C-digest', digests_off: false, locale: 'en' });
  });

  it('turns the statement DM off and on (on is the consent creator DMs need), and asks how when unclear', async () => {
    const ann = slack('UANN');
    const settings = () => row<{ statement_dms: boolean; statements_opted_in: boolean }>(
      `SELECT statement_dms, statements_opted_in FROM supporter_settings s JOIN identities i ON i.user_id = s.user_id WHERE i.external_id = 'T1:UANN'`);
    expect(await settings()).toEqual({ statement_dms: true, statements_opted_in: false });
    expect(await run(ann, 'statement')).toContain('Nothing changed');
    expect(await run(ann, 'statement off')).toContain('No more monthly statements');
    expect(await settings()).toEqual({ statement_dms: false, statements_opted_in: false });
    expect(await run({ ...ann, locale: 'fr' }, 'statement on')).toContain('Vous recevrez un relevé');
    expect(await settings()).toEqual({ statement_dms: true, statements_opted_in: true });
    expect(await run(slack('UNOBODY'), 'statement on')).toContain('not joined yet');
  });

  it('turns digest mentions off before joining, keeping the display name, and for every linked account once joined', async () => {
    const ident = (id: string) => row<{ mentions: boolean; handle: string | null; user_id: number | null }>(
      `SELECT mentions, handle, user_id FROM identities WHERE external_id = $1`, id);
    expect(await run(slack('UQUIET', { displayName: 'quiet.one' }), 'mentions off')).toBe('Payout digests will name you without mentioning (pinging) you.');
    expect(await ident('T1:UQUIET')).toEqual({ mentions: false, handle: 'quiet.one', user_id: null });
    expect(await run(slack('UQUIET'), 'mentions on')).toBe('Payout digests will mention you again.');
    expect(await ident('T1:UQUIET')).toEqual({ mentions: true, handle: 'quiet.one', user_id: null });
    expect(await run(slack('UQUIET'), 'mentions sometimes')).toContain('Nothing changed');
    const code = /code is ([A-Z0-9]{8})/.exec(await run(slack('UBEN'), 'link'))![1]!;
    const onDiscord: ChatContext = { platform: 'discord', userExternalId: '80351110224678901', community: 'G1', channel: '900', isCommunityAdmin: false };
    expect(await run(onDiscord, `link ${code} confirm`)).toContain('now linked');
    await run(slack('UBEN'), 'mentions off');
    expect((await ident('80351110224678901'))!.mentions).toBe(false);
  });

  it('shows an unclaimed creator the escrow waiting and until when, and joining says how much moved', async () => {
    const carol = slack('UCAROL');
    expect(await run(carol, 'status')).toMatch(/^Waiting for you: €13\.50, until .+2027; after that it goes back to the supporters\.\nYou have not joined yet/);
    expect(await run({ ...carol, locale: 'fr' }, 'status')).toMatch(/^En attente pour vous : 13,50 €, jusqu’au .+ 2027/);
    expect(await run(carol, 'join')).toBe([
      'Welcome! Set a monthly budget with `/flattr budget 35`, then turn flattring on here with `/flattr on`.',
      '€13.50 that supporters flattred you with moved to your balance.',
    ].join('\n'));
    expect(await run(carol, 'status')).toBe([
      'Budget €0.00 a month, active; wallet €0.00.',
      'On: nowhere yet. Reactions: :star: :heart: :+1: :flattr:.',
      '0 flattrs waiting for the month-end split. Accounts: slack.',
      'As a creator: balance €13.50; October 2026: €13.50 from 2 supporters.',
    ].join('\n'));
    expect(await run({ ...carol, locale: 'fr' }, 'status')).toContain('Comme créateur : solde 13,50 € ; octobre 2026 : 13,50 € de 2 donateurs.');
  });

  it('says how much moved when a first budget claims the escrow', async () => {
    expect(await run(slack('UDAN'), 'budget 5')).toContain('€4.50 that supporters flattred you with moved to your balance.');
  });

  it('offers the same words as Discord subcommands, each read back as the chat line', () => {
    expect(commandLine({ name: 'channel', options: [{ name: 'off', value: 'off' }] })).toBe('channel off');
    expect(commandLine({ name: 'channel' })).toBe('channel');
    expect(commandLine({ name: 'statement', options: [{ name: 'setting', value: 'off' }] })).toBe('statement off');
    expect(commandLine({ name: 'mentions', options: [{ name: 'setting', value: 'on' }] })).toBe('mentions on');
    const statement = flattrCommand().options!.find((o) => o.name === 'statement') as { options: { name: string; required: boolean; choices: { value: string }[] }[] };
    expect(statement.options).toEqual([expect.objectContaining({ name: 'setting', required: true, choices: [expect.objectContaining({ value: 'on' }), expect.objectContaining({ value: 'off' })] })]);
  });
});
