import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChatCommand, type ChatContext } from '../../src/chat/run-chat-command.js';
import { recordLikes } from '../../src/ingest/record-likes.js';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { createLogger } from '../../src/support/logger.js';
import { createPgliteDatabase, DATABASES, type TestDatabase } from '../support/database.js';
import { flattrs, likeEvent } from '../support/world.js';

/** The `/flattr` use cases on PostgreSQL and on the embedded PGlite default; each test uses its own people. */
describe.each(Object.entries(DATABASES))('runChatCommand on %s', (_kind, create) => {
  let database: TestDatabase;
  let clock = new Date('2026-11-10T12:00:00Z');
  let seq = 0;
  const deps = () => ({ db: database.prisma, now: () => clock, logger: createLogger('silent') });
  const person = (over: Partial<ChatContext> = {}): ChatContext =>
    ({ platform: 'slack', userExternalId: `T1:U${++seq}`, community: 'T1', channel: 'C1', isCommunityAdmin: false, ...over });
  const run = async (ctx: ChatContext, text: string) => (await runChatCommand(deps(), ctx, text)).text;
  const settings = async (ctx: ChatContext) => (await database.prisma.$queryRawUnsafe<{ budget_minor: bigint; currency: string; platforms: string[]; trigger_reactions: string[]; active: boolean; locale: string }[]>(
    `SELECT s.budget_minor, u.currency, s.platforms, s.trigger_reactions, s.active, u.locale FROM identities i
       JOIN users u ON u.id = i.user_id JOIN supporter_settings s ON s.user_id = u.id WHERE i.platform = $1 AND i.external_id = $2`,
    ctx.platform, ctx.userExternalId))[0];

  beforeAll(async () => { database = await create(); });
  afterAll(async () => { await database?.drop(); });

  it('answers help for an empty command and a helpful reply for an unknown one, creating nobody', async () => {
    const me = person();
    expect(await run(me, '')).toContain('/flattr budget 35');
    const reply = await run(me, 'bugdet 35');
    expect(reply).toContain('I don\'t know "bugdet"');
    expect(reply).toContain('/flattr join');
    expect(await run(me, 'login')).toBe('Sign-in links are not available from this bot. Nothing was changed.');
    expect(await settings(me)).toBeUndefined();
  });

  it('joins once, with every platform still off', async () => {
    const me = person();
    expect(await run(me, 'join')).toContain('Welcome');
    expect(await settings(me)).toMatchObject({ active: true, platforms: [], budget_minor: 0n });
    expect(await run(me, 'join')).toContain('already a supporter');
  });

  it('sets the budget by string arithmetic, with an optional currency, and hints at opting in', async () => {
    const me = person();
    const reply = await run(me, 'budget 35');
    expect(reply).toContain('€35.00 a month');
    expect(reply).toContain('/flattr on');
    expect(await settings(me)).toMatchObject({ budget_minor: 3500n, currency: 'EUR' });
    await run(me, 'on');
    expect(await run(me, 'budget 12.5 usd')).toBe('Your budget is now $12.50 a month, split among your flattrs at month end.');
    expect(await settings(me)).toMatchObject({ budget_minor: 1250n, currency: 'USD' });
  });

  it.each([
    ['budget abc', '"abc" is not an amount'],
    ['budget 35,50', '"35,50" is not an amount'],
    ['budget -5', '"-5" is not an amount'],
    ['budget 1e3', '"1e3" is not an amount'],
    ['budget 3.555', '"3.555" is not an amount'],
    ['budget 35 XYZ', '"XYZ" is not a currency code'],
    ['budget', 'Say how much'],
  ])('refuses "%s" with a helpful reply and changes nothing', async (text, expected) => {
    const me = person();
    await run(me, 'budget 20');
    expect(await run(me, text)).toContain(expected);
    expect(await settings(me)).toMatchObject({ budget_minor: 2000n, currency: 'EUR' });
  });

  it('turns platforms on and off, this one by default, and refuses unknown platforms', async () => {
    const me = person();
    expect(await run(me, 'on')).toBe('Your reactions on slack now become flattrs.');
    await run(me, 'on Discord');
    expect((await settings(me))!.platforms).toEqual(['discord', 'slack']);
    expect(await run(me, 'off discord')).toBe('Your reactions on discord no longer become flattrs.');
    expect(await run(me, 'on myspace')).toContain('"myspace" is not a platform');
    expect((await settings(me))!.platforms).toEqual(['slack']);
    await run(me, 'off');
    expect((await settings(me))!.platforms).toEqual([]);
  });

  it('sets the trigger emoji, any, or back to the defaults', async () => {
    const me = person();
    expect(await run(me, 'emoji :tada: 👍 star')).toBe('Flattrs now come from these reactions: :tada: :+1: :star:.');
    expect((await settings(me))!.trigger_reactions).toEqual(['tada', '+1', 'star']);
    expect(await run(me, 'emoji any')).toBe('Every reaction you add now becomes a flattr.');
    expect(await run(me, 'emoji default')).toBe('Back to the default reactions: :star: :heart: :+1: :flattr:.');
    expect((await settings(me))!.trigger_reactions).toEqual([]);
    expect(await run(me, 'emoji')).toContain('Name some emoji');
    const onDiscord = person({ platform: 'discord', userExternalId: `70${seq}` });
    expect(await run(onDiscord, 'emoji ⭐ :heart: flattr')).toBe('Flattrs now come from these reactions: ⭐ ❤️ flattr.');
  });

  it('shows the status: budget, opt-ins, wallet, pending flattrs and linked accounts', async () => {
    const me = person();
    expect(await run(me, 'status')).toContain('not joined yet');
    await run(me, 'budget 35');
    await run(me, 'on');
    await recordLikes(database.prisma, [
      likeEvent({ liker: me.userExternalId, author: 'T1:UA', item: 'T1:C1:1.1' }),
      likeEvent({ liker: me.userExternalId, author: 'T1:UB', item: 'T1:C1:1.2' }),
    ], { timeZone: 'UTC' });
    expect(await run(me, 'status')).toBe([
      'Budget €35.00 a month, active; wallet €0.00.',
      'On: slack. Reactions: :star: :heart: :+1: :flattr:.',
      '2 flattrs waiting for the month-end split. Accounts: slack.',
    ].join('\n'));
  });

  it('answers in French from the platform locale, and remembers it for later replies', async () => {
    const me = person({ locale: 'fr' });
    expect(await run(me, 'budget 35')).toContain('35,00');
    expect(await run(me, 'budget 35,5')).toContain("« 35,5 » n'est pas un montant");
    expect((await settings(me))!.locale).toBe('fr');
    expect(await run({ ...me, locale: undefined }, 'on')).toBe('Vos réactions sur slack deviennent maintenant des flattrs.');
    expect(await run({ ...me, locale: undefined }, 'nimportequoi')).toContain('Je ne connais pas « nimportequoi »');
  });

  it('withdraws a flattr by message link; an older redelivery cannot restore it, a new reaction can', async () => {
    const me = person();
    await run(me, 'budget 10');
    await run(me, 'on');
    const like = likeEvent({ liker: me.userExternalId, author: 'T1:UZ', item: 'T1:C9:1700000000.000100', occurredAt: '2026-11-10T10:00:00Z' });
    await recordLikes(database.prisma, [like], { timeZone: 'UTC' });
    const mine = async () => (await flattrs(database.prisma)).filter((f) => f.item === like.item).map((f) => f.status);
    expect(await mine()).toEqual(['active']);
    expect(await run(me, 'undo <https://acme.slack.com/archives/C9/p1700000000000100>')).toBe('Done: 1 flattr withdrawn.');
    expect(await mine()).toEqual(['revoked']);
    await recordLikes(database.prisma, [{ ...like, eventId: `${like.eventId}-again`, occurredAt: '2026-11-10T11:00:00Z' }], { timeZone: 'UTC' });
    expect(await mine()).toEqual(['revoked']);
    expect(await run(me, 'undo T1:C9:1700000000.000100')).toContain('no flattr on that item');
    await recordLikes(database.prisma, [{ ...like, eventId: `${like.eventId}-later`, occurredAt: '2026-11-10T13:00:00Z' }], { timeZone: 'UTC' });
    expect(await mine()).toEqual(['active']);
    expect(await run(me, 'undo')).toContain('Give a message link');
  });

  it('links a Discord account to a Slack user with a single-use code, once the person confirmed', async () => {
    const slack = person();
    await run(slack, 'budget 35');
    const code = /code is ([A-Z0-9]{8})/.exec(await run(slack, 'link'))![1]!;
    const discord = person({ platform: 'discord', userExternalId: `9000${seq}`, community: 'G1' });
    expect(await run(discord, `link ${code.toLowerCase()} confirm`)).toBe('This discord account is now linked: same user, same budget.');
    expect(await settings(discord)).toMatchObject({ budget_minor: 3500n });
    expect(await run(discord, 'status')).toContain('Accounts: discord, slack.');
    const other = person({ platform: 'discord', userExternalId: `9100${seq}` });
    expect(await run(other, `link ${code}`)).toContain('unknown, used or expired');
    expect(await run(other, `link ${code} confirm`)).toContain('unknown, used or expired');
    expect(await settings(other)).toBeUndefined();
    const again = /code is ([A-Z0-9]{8})/.exec(await run(slack, 'link'))![1]!;
    expect(await run(discord, `link ${again}`)).toBe('This account is already linked to that user.');
    expect(await run(discord, `link ${again} confirm`)).toBe('This account is already linked to that user.');
  });

  it('refuses expired codes, malformed codes, and moving an account that has its own linked accounts', async () => {
    const slack = person();
    const code = /code is ([A-Z0-9]{8})/.exec(await run(slack, 'link'))![1]!;
    const later = clock;
    clock = new Date(later.getTime() + 16 * 60_000);
    const discord = person({ platform: 'discord', userExternalId: `9200${seq}` });
    try {
      expect(await run(discord, `link ${code}`)).toContain('has expired');
      expect(await run(discord, `link ${code} confirm`)).toContain('has expired');
    } finally {
      clock = later;
    }
    expect(await settings(discord)).toBeUndefined();
    expect(await run(discord, 'link 0OIL')).toContain('unknown, used or expired');
    // A Discord user already tied to a second Slack account cannot be pulled away by a third.
    const busy = person({ platform: 'discord', userExternalId: `9300${seq}` });
    await run(busy, 'join');
    const busyCode = /code is ([A-Z0-9]{8})/.exec(await run(busy, 'link'))![1]!;
    await run(person(), `link ${busyCode} confirm`);
    const third = /code is ([A-Z0-9]{8})/.exec(await run(person(), 'link'))![1]!;
    expect(await run(busy, `link ${third}`)).toContain('cannot be moved');
    expect(await run(busy, `link ${third} confirm`)).toContain('cannot be moved');
    expect(await run(person({ platform: 'discord', userExternalId: `9400${seq}` }), `link ${third} confirm`)).toContain('now linked');
  });

  it('says what a link code would do, naming the account it joins, and changes nothing until confirmed', async () => {
    const bob = person({ platform: 'discord', userExternalId: `8800${seq}` });
    await run(bob, 'join');
    await database.prisma.$executeRawUnsafe(`UPDATE identities SET handle = 'bob' WHERE platform = 'discord' AND external_id = $1`, bob.userExternalId);
    const code = /code is ([A-Z0-9]{8})/.exec(await run(bob, 'link'))![1]!;
    // Alice, a creator someone already flattred, is tricked into typing Bob's code.
    const alice = person();
    const escrowOf = await fundEscrow(alice.userExternalId, 630n);
    await database.prisma.$executeRawUnsafe(`UPDATE identities SET handle = 'alice' WHERE id = $1`, escrowOf);
    const preview = await run(alice, `link ${code}`);
    expect(preview).toContain('This joins slack:alice to the flattr-hub account of discord:bob: discord:bob will receive what slack:alice earns, starting with the €6.30 waiting for it');
    expect(preview).toContain(`\`/flattr link ${code} confirm\``);
    expect(preview).toContain('do not confirm');
    // Nothing moved: the identity is unclaimed, its escrow is still there, and the code is unspent.
    const owner = async () => (await database.prisma.$queryRawUnsafe<{ user_id: number | null }[]>(`SELECT user_id FROM identities WHERE id = $1`, escrowOf))[0]!.user_id;
    expect(await owner()).toBeNull();
    expect(await escrowBalance(escrowOf)).toBe(630n);
    expect(await run(alice, `link ${code} confirm`)).toBe('This slack account is now linked: same user, same budget. €6.30 waiting for it moved to your balance.');
    expect(await owner()).not.toBeNull();
    expect(await escrowBalance(escrowOf)).toBe(0n);
    expect(await run({ ...person(), locale: 'fr' }, `link ${code}`)).toContain('inconnu, déjà utilisé ou expiré');
  });

  it('forgets link codes a day after they expire', async () => {
    const me = person();
    const old = /code is ([A-Z0-9]{8})/.exec(await run(me, 'link'))![1]!;
    const codes = async () => (await database.prisma.$queryRawUnsafe<{ code: string }[]>(`SELECT code FROM link_codes WHERE code = $1`, old)).length;
    expect(await codes()).toBe(1);
    const saved = clock;
    clock = new Date(saved.getTime() + 2 * 24 * 3600_000);
    try {
      await run(me, 'link');
    } finally {
      clock = saved;
    }
    expect(await codes()).toBe(0);
  });

  /** An unclaimed identity with `amount` EUR cents in escrow; returns its id. */
  const fundEscrow = async (externalId: string, amount: bigint, platform = 'slack') => {
    const db = database.prisma;
    const [identity] = await db.$queryRawUnsafe<{ id: number }[]>(
      `INSERT INTO identities (platform, external_id) VALUES ($1, $2) RETURNING id`, platform, externalId);
    await db.$transaction(async (tx) => {
      const [external, escrow] = await ensureAccounts(tx, [{ kind: 'external', currency: 'EUR' }, { kind: 'escrow', identityId: identity!.id, currency: 'EUR' }]);
      await postTransfer(tx, { kind: 'test', idempotencyKey: `chat-escrow-${platform}-${externalId}`, entries: [
        { accountId: external!, currency: 'EUR', amount: -amount },
        { accountId: escrow!, currency: 'EUR', amount, payerUserId: null },
      ] });
    });
    return identity!.id;
  };
  const escrowBalance = async (identityId: number) => (await database.prisma.$queryRawUnsafe<{ b: bigint }[]>(
    `SELECT coalesce(sum(e.amount), 0)::int8 AS b FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.kind = 'escrow' AND a.identity_id = $1`, identityId))[0]!.b;

  it('claims an unclaimed creator identity by code, moving its escrow to the user (money rule 9)', async () => {
    const slack = person();
    await run(slack, 'join');
    const creatorId = `90${seq}55`;
    const db = database.prisma;
    const identity = { id: await fundEscrow(creatorId, 630n, 'discord') };
    const code = /code is ([A-Z0-9]{8})/.exec(await run(slack, 'link'))![1]!;
    expect(await run(person({ platform: 'discord', userExternalId: creatorId }), `link ${code} confirm`)).toContain('now linked');
    const balances = await db.$queryRawUnsafe<{ kind: string; balance: bigint }[]>(
      `SELECT a.kind, sum(e.amount)::int8 AS balance FROM accounts a JOIN entries e ON e.account_id = a.id
        WHERE (a.kind = 'escrow' AND a.identity_id = $1) OR (a.kind = 'creator' AND a.user_id = (SELECT user_id FROM identities WHERE id = $1))
        GROUP BY a.kind ORDER BY a.kind`, identity!.id);
    expect(balances).toEqual([{ kind: 'creator', balance: 630n }, { kind: 'escrow', balance: 0n }]);
    expect(await run(slack, 'status')).toContain('Accounts: discord, slack.');
  });

  it('answers politely, in the platform locale, when the database fails, and logs it', async () => {
    const broken = await createPgliteDatabase();
    await broken.drop();
    const logged: unknown[] = [];
    const logger = Object.assign(createLogger('silent'), { error: (...args: unknown[]) => void logged.push(args) });
    const reply = await runChatCommand({ db: broken.prisma, now: () => clock, logger }, person({ locale: 'fr' }), 'budget 35');
    expect(reply.text).toContain('Un problème est survenu');
    expect(logged).toHaveLength(1);
  });

  it('lets only community admins choose the payout notice channel', async () => {
    const me = person({ community: 'T-chan', channel: 'C-notices' });
    expect(await run(me, 'channel')).toContain('Only community admins');
    expect(await run({ ...me, isCommunityAdmin: true, channel: undefined }, 'channel')).toContain('inside the channel');
    expect(await run({ ...me, isCommunityAdmin: true }, 'channel')).toBe('Payout notices for this community will be posted in <#C-notices>.');
    const rows = await database.prisma.$queryRawUnsafe<{ notice_channel: string }[]>(
      `SELECT notice_channel FROM communities WHERE platform = 'slack' AND external_id = 'T-chan'`);
    expect(rows).toEqual([{ notice_channel: 'C-notices' }]);
  });
});
