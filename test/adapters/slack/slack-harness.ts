import { createHash, randomBytes } from 'node:crypto';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { startFakeSlackApi } from '../../fakes/slack/fake-slack-api.js';
import { postCommand, postEvent } from '../../fakes/slack/slack-requests.js';
import { startTestHub, type ContractHarness, type Delivery } from '../contract.js';

export type SlackDelivery = Delivery & { envelope: Record<string, unknown> };

/**
 * The real hub (Bolt on its HTTP server, ingest worker, PostgreSQL, Redis)
 * with Slack pointed at the fake Web API, driven by signed HTTP requests.
 * The clock is injected and moves one second per delivery, so every event
 * happens after the previous one and requests are always inside the window.
 */
export async function startSlackHub(options: { team?: string; oauth?: boolean; database?: 'postgres' | 'pglite'; env?: Record<string, string> } = {}) {
  const team = options.team ?? `T${randomBytes(4).toString('hex').toUpperCase()}`;
  const secret = randomBytes(16).toString('hex');
  const fake = await startFakeSlackApi();
  const ws = fake.addWorkspace(team);
  let t = Date.now();
  const now = () => new Date(t);
  const env: Record<string, string> = {
    ...(options.oauth
      ? { SLACK_SIGNING_SECRET: secret, SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: randomBytes(16).toString('hex'), SLACK_API_URL: fake.url }
      : { SLACK_SIGNING_SECRET: secret, SLACK_BOT_TOKEN: ws.botToken, SLACK_API_URL: fake.url }),
    ...options.env,
  };
  const test = await startTestHub(env, { now, database: options.database }).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  const url = test.hub.url!;
  const userId = (name: string) => `U${createHash('sha256').update(name).digest('hex').slice(0, 9).toUpperCase()}`;
  const messages = new Map<string, string>();
  const tsOf = (message: string) => {
    if (!messages.has(message)) messages.set(message, `${Math.floor(t / 1000)}.${String(messages.size).padStart(6, '0')}`);
    return messages.get(message)!;
  };
  const tick = () => (t += 1000);
  const signed = (extra: { retryNum?: number; secret?: string } = {}) => ({ now: now(), secret: extra.secret ?? secret, retryNum: extra.retryNum });

  return {
    ...test, fake, team, secret, url, now, tick, userId, tsOf,
    adapter: () => test.hub.adapters.find((a) => a.name === 'slack')!,
    envelope(r: { user: string; author: string; message: string; emoji: string; remove?: boolean; channel?: string }) {
      tick();
      const ts = tsOf(r.message);
      const channel = r.channel ?? 'C0CONTRACT';
      return {
        item: `${team}:${channel}:${ts}`,
        envelope: {
          token: 'XXYYZZ', team_id: team, api_app_id: 'A0FLATTR', type: 'event_callback',
          event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`, event_time: Math.floor(t / 1000),
          event: {
            type: r.remove ? 'reaction_removed' : 'reaction_added', user: userId(r.user), reaction: r.emoji, item_user: userId(r.author),
            item: { type: 'message', channel, ts }, event_ts: `${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')}100`,
          },
        },
      };
    },
    post: (envelope: unknown, extra?: { retryNum?: number; secret?: string }) => postEvent(url, envelope, signed(extra)),
    command: (user: string, text: string, extra: Record<string, string> = {}) => postCommand(url, {
      token: 'XXYYZZ', team_id: team, team_domain: 'example', channel_id: 'C0GENERAL', channel_name: 'general', user_id: user,
      user_name: user.toLowerCase(), command: '/flattr', text, api_app_id: 'A0FLATTR', response_url: 'https://hooks.slack.com/commands/1/2',
      trigger_id: '1.2.3', ...extra,
    }, signed()),
    async close() {
      await test.close();
      await fake.close();
    },
  };
}
export type SlackHub = Awaited<ReturnType<typeof startSlackHub>>;

/** The contract harness over a running Slack hub. */
export async function slackContractHarness(): Promise<ContractHarness<SlackDelivery>> {
  const s = await startSlackHub();
  const expectOk = (res: { status: number }) => {
    if (res.status !== 200) throw new Error(`slack endpoint answered ${res.status}`);
  };
  return {
    start: () => s.adapter().start(),
    stop: () => s.adapter().stop(),
    close: () => s.close(),
    addSupporter: async (user) => void (await setSupporter(s.database.prisma, { platform: 'slack', externalId: `${s.team}:${s.userId(user)}`, budget: '35', enable: ['slack'] })),
    async react(r) {
      const d = s.envelope(r);
      const { status } = await s.post(d.envelope);
      // 503 is the stopped adapter's answer (Slack retries later); anything else is a failure here.
      if (status !== 503) expectOk({ status });
      return { ...d, status };
    },
    async redeliver(d) {
      expectOk(await s.post(d.envelope, { retryNum: 1 }));
    },
    async sendUnknownPayload() {
      s.tick();
      return (await s.post({ token: 'XXYYZZ', team_id: s.team, api_app_id: 'A0FLATTR', type: 'app_rate_limited', minute_rate_limited: Math.floor(s.now().getTime() / 60000) * 60 })).status;
    },
    async badSignature() {
      const d = s.envelope({ user: 'mallory', author: 'bob', message: 'forged', emoji: 'star' });
      return (await s.post(d.envelope, { secret: 'not-the-signing-secret' })).status;
    },
    drain: () => s.drain(),
  };
}
