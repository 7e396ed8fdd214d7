import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLine, flattrCommand } from '../../adapters/discord/commands.js';
import { runChatCommand, type ChatDeps } from '../../src/chat/run-chat-command.js';
import { createChatPayments } from '../../src/payments/chat-payments.js';
import { createLogger } from '../../src/support/logger.js';
import { createPaymentsWorld, type PaymentsWorld } from './support/payments-world.js';

describe('/flattr topup in chat', () => {
  let w: PaymentsWorld;
  let deps: ChatDeps;
  beforeAll(async () => {
    w = await createPaymentsWorld();
    deps = { db: w.db, now: () => w.clock.now, logger: createLogger('silent'), publicUrl: 'http://hub.test', payments: createChatPayments(w.config, w.db) };
  });
  afterAll(async () => { await w?.close(); });
  const say = (text: string, user = 'T1:UCHAT', locale?: 'en' | 'fr', d = deps) =>
    runChatCommand(d, { platform: 'slack', userExternalId: user, community: 'T1', channel: 'C1', isCommunityAdmin: false, locale }, text);

  it('answers a joined supporter with their own Checkout Session, and the webhook credits it', async () => {
    const userId = await w.supporter('T1:UCHAT');
    const reply = await say('topup 20');
    const session = [...w.fake.sessions.values()].at(-1)!;
    expect(reply.text).toBe(`Pay €20.00 into your wallet on Stripe's page (for you only; the hub never sees your card): ${session.url}\nYour wallet is credited once Stripe confirms the payment.`);
    expect(session).toMatchObject({ amount_total: 2000, currency: 'eur', client_reference_id: String(userId) });
    expect(w.fake.requests.at(-1)!.idempotencyKey).toMatch(/^topup:chat:slack:[0-9a-f-]{36}$/);
    await w.webhooks.deliver(w.fake.payCheckoutSession(session.id));
    expect(await w.balance(userId)).toBe(2000n);
    await w.expectLedgerOk();
  });

  it('refuses bad amounts in the person\'s language and asks Stripe nothing', async () => {
    const before = w.fake.requests.length;
    expect((await say('topup 35,5')).text).toBe('"35,5" is not an amount: write digits with a "." before the cents, e.g. 20.50. Nothing was changed.');
    expect((await say('topup 2')).text).toBe('A top-up is at least €5.00. Nothing was changed.');
    expect((await say('topup 2', 'T1:UCHAT', 'fr')).text).toMatch(/^Un ajout est d'au moins 5,00\s€\. Rien n'a changé\.$/);
    expect((await say('topup 20 USD')).text).toBe('Your wallet is in EUR: top-ups are in EUR only (money is never converted). Nothing was changed.');
    expect((await say('topup 20 EURO')).text).toBe('"EURO" is not a currency code (e.g. EUR). Nothing was changed.');
    expect((await say('topup')).text).toMatch(/^Say how much, e.g. `\/flattr topup 20`/);
    expect((await say('topup 20', 'T1:UNOBODY')).text).toMatch(/^Join first with `\/flattr join`/);
    expect(w.fake.requests.length).toBe(before);
  });

  it('takes the amount written as for a budget, the currency on either side', async () => {
    for (const text of ['topup 7 EUR', 'topup €7', 'topup 7EUR']) {
      expect((await say(text)).text).toMatch(/^Pay €7\.00 into your wallet/);
    }
  });

  it('says top-ups are not set up when payments are off', async () => {
    expect((await say('topup 20', 'T1:UCHAT', 'en', { ...deps, payments: undefined })).text).toMatch(/^Top-ups by card are not set up on this hub/);
  });

  it('is a Discord subcommand with the same words', () => {
    const sub = flattrCommand().options!.find((o) => o.name === 'topup');
    expect(sub).toMatchObject({ name: 'topup', options: [{ name: 'amount', required: true }, { name: 'currency', required: false }] });
    expect(commandLine({ name: 'topup', options: [{ name: 'amount', value: ' 20.50 ' }] })).toBe('topup 20.50');
    expect(commandLine({ name: 'topup', options: [{ name: 'currency', value: 'EUR' }, { name: 'amount', value: '20' }] })).toBe('topup 20 EUR');
  });
});
