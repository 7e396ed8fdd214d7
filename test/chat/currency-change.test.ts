import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChatCommand, type ChatContext } from '../../src/chat/run-chat-command.js';
import { createLogger } from '../../src/support/logger.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';

/** `/flattr budget <amount> <currency>` and money rule 11: the currency of a funded wallet stays. */
describe('/flattr budget with a currency', () => {
  let database: TestDatabase;
  let seq = 0;
  const deps = () => ({ db: database.prisma, now: () => new Date('2026-11-10T12:00:00Z'), logger: createLogger('silent') });
  const person = (over: Partial<ChatContext> = {}): ChatContext =>
    ({ platform: 'slack', userExternalId: `T1:B${++seq}`, community: 'T1', channel: 'C1', isCommunityAdmin: false, ...over });
  const run = async (ctx: ChatContext, text: string) => (await runChatCommand(deps(), ctx, text)).text;
  const fund = (ctx: ChatContext, amount: string) => creditWallet(database.prisma, { platform: ctx.platform, externalId: ctx.userExternalId, amount });
  const settings = async (ctx: ChatContext) => (await database.prisma.$queryRawUnsafe<{ budget_minor: bigint; currency: string }[]>(
    `SELECT s.budget_minor, trim(u.currency) AS currency FROM identities i JOIN users u ON u.id = i.user_id JOIN supporter_settings s ON s.user_id = u.id
      WHERE i.platform = $1 AND i.external_id = $2`, ctx.platform, ctx.userExternalId))[0];

  beforeAll(async () => { database = await createPostgresDatabase(); });
  afterAll(async () => { await database?.drop(); });

  it('refuses to change the currency of a funded wallet, saying what to do, in English', async () => {
    const me = person();
    await run(me, 'budget 35');
    await fund(me, '12.00');
    expect(await run(me, 'budget 10 USD')).toBe(
      'Your wallet still holds €12.00, so your currency stays EUR: money is never converted. Month-end splits spend it (or an operator can return it); ' +
      'once it is empty, `/flattr budget 10 USD` switches. Or keep EUR: `/flattr budget 10`. Nothing changed.');
    expect(await settings(me)).toEqual({ budget_minor: 3500n, currency: 'EUR' });
    // The same currency, or none, is just a budget change.
    expect(await run(me, 'budget 20 EUR')).toContain('€20.00 a month');
    expect(await settings(me)).toEqual({ budget_minor: 2000n, currency: 'EUR' });
  });

  it('asks for the amount when only a currency is given, and switches an empty wallet with it', async () => {
    const me = person();
    await run(me, 'budget 35');
    expect(await run(me, 'budget USD')).toBe('Give the amount with the currency: `/flattr budget 10 USD` sets 10 USD a month. Nothing changed.');
    expect(await run(person({ locale: 'fr' }), 'budget usd')).toBe("Indiquez le montant avec la devise : `/flattr budget 10 USD` fixe 10 USD par mois. Rien n'a changé.");
    expect(await settings(me)).toEqual({ budget_minor: 3500n, currency: 'EUR' });
    expect(await run(me, 'budget 3500 JPY')).toContain('¥3,500 a month');
    expect(await settings(me)).toEqual({ budget_minor: 3500n, currency: 'JPY' });
    // Not a currency code: still "not an amount".
    expect(await run(me, 'budget abc')).toContain('"abc" is not an amount');
  });

  it('refuses it in French too', async () => {
    const me = person({ locale: 'fr' });
    await run(me, 'budget 35');
    await fund(me, '12.00');
    const reply = await run(me, 'budget 10 USD');
    expect(reply).toMatch(/^Votre portefeuille contient encore 12,00\s€, votre devise reste donc EUR : l'argent n'est jamais converti\./);
    expect(reply).toContain('`/flattr budget 10 USD`');
    expect(reply).toMatch(/Rien n'a changé\.$/);
    expect(await settings(me)).toEqual({ budget_minor: 3500n, currency: 'EUR' });
  });
});
