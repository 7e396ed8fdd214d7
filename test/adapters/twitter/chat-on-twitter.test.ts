import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveXGrant } from '../../../adapters/twitter/token-store.js';
import { runChatCommand, type ChatContext } from '../../../src/chat/run-chat-command.js';
import { createLogger } from '../../../src/support/logger.js';
import { createTokenCipher } from '../../../src/support/token-cipher.js';
import { resolveOrCreateUser } from '../../../src/supporters/resolve-user.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';

/** `/flattr on twitter` in Slack or Discord tells someone with no connected X account where to connect it, in their language. */
describe('/flattr on twitter', () => {
  let database: TestDatabase;
  let seq = 0;
  const deps = () => ({ db: database.prisma, now: () => new Date('2026-11-10T12:00:00Z'), logger: createLogger('silent'), publicUrl: 'https://hub.example.org/' });
  const person = (over: Partial<ChatContext> = {}): ChatContext =>
    ({ platform: 'slack', userExternalId: `T1:UX${++seq}`, community: 'T1', channel: 'C1', isCommunityAdmin: false, ...over });
  const run = async (ctx: ChatContext, text: string) => (await runChatCommand(deps(), ctx, text)).text;
  beforeAll(async () => { database = await createPostgresDatabase(); });
  afterAll(async () => { await database?.drop(); });

  it('without a connected X account: X is turned on, and the reply says where to connect it (en and fr)', async () => {
    expect(await run(person(), 'on twitter')).toBe('Your reactions on twitter now become flattrs.\n'
      + 'Your likes on X are private: connect your X account at https://hub.example.org/auth/twitter so the hub can see them (sign in with the account this message came from first).');
    const fr = await run(person({ platform: 'discord', userExternalId: '9000000001', community: 'G1', locale: 'fr' }), 'on x');
    expect(fr).toContain('connectez votre compte X sur https://hub.example.org/auth/twitter');
    expect(await run(person(), 'on slack')).toBe('Your reactions on slack now become flattrs.');
  });

  it('with a connected X account: no connect hint', async () => {
    const me = person();
    const { userId } = await database.prisma.$transaction((tx) => resolveOrCreateUser(tx, 'slack', me.userExternalId));
    const [x] = await database.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO identities (platform, external_id, user_id) VALUES ('twitter', '1900000000000000001', $1) RETURNING id`, userId);
    await saveXGrant(database.prisma, createTokenCipher(randomBytes(32).toString('base64')), x!.id, { accessToken: 'a', refreshToken: 'r', expiresIn: 7200, scopes: [] }, new Date());
    expect(await run(me, 'on twitter')).toBe('Your reactions on twitter now become flattrs.');
  });
});
