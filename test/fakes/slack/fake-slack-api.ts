import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackOidc } from './fake-slack-oidc.js';

/** `broken`: users.info for this user answers HTTP 500, as Slack does in an outage. */
export type FakeSlackUser = { id: string; is_bot?: boolean; is_admin?: boolean; is_owner?: boolean; locale?: string; broken?: boolean };
/**
 * `answered`: 'ok' once the fake answered the call with ok: true, else the error it gave (undefined while unanswered);
 * `ts`: the message timestamp a chat.postMessage answered ok gave (the id the hub records).
 */
export type FakeSlackCall = { method: string; token?: string; params: Record<string, unknown>; answered?: string; ts?: string; at: number };
type Workspace = { team: string; botToken: string; botUserId: string; botId: string };

/**
 * A fake Slack Web API that the real @slack/web-api client talks to through
 * SLACK_API_URL (`${url}`, ending in /api/). It speaks the wire format the
 * client uses (form-urlencoded or JSON bodies, Bearer tokens, JSON answers
 * with `ok`) for the methods the hub calls, and records every call.
 */
export async function startFakeSlackApi() {
  const workspaces = new Map<string, Workspace>();
  const users = new Map<string, FakeSlackUser>();
  const oauthCodes = new Map<string, { team: string; name: string }>();
  const oidc = createSlackOidc();
  const calls: FakeSlackCall[] = [];
  /** Methods whose next call (in `channel`, when given) answers 429 with this Retry-After. */
  const rateLimits = new Map<string, { seconds: number; channel?: string }>();
  /** Methods whose next call fails: an HTTP status, or 'stall' (never answered until the fake closes). */
  const faults = new Map<string, number | 'stall'>();
  /** Slack errors chat.postMessage answers for a channel (a channel the bot lost: channel_not_found, not_in_channel, is_archived). */
  const channelErrors = new Map<string, string>();
  /** Slack errors conversations.open answers for a user, by "TEAM:USER" (account_inactive, user_not_found, cannot_dm_bot). */
  const userErrors = new Map<string, string>();
  /** Tokens of workspaces that uninstalled the app: every call answers token_revoked. */
  const revoked = new Set<string>();
  /** One message per channel per this many ms, as Slack enforces (429 with Retry-After past it); off unless set. */
  let channelIntervalMs = 0;
  const lastPost = new Map<string, number>();
  const limited = { count: 0 };

  const addWorkspace = (team: string, botToken = `xoxb-${team}-fake`) => {
    const ws = { team, botToken, botUserId: `U0BOT${team}`, botId: `B0BOT${team}` };
    workspaces.set(botToken, ws);
    users.set(`${team}:${ws.botUserId}`, { id: ws.botUserId, is_bot: true });
    return ws;
  };

  const methods: Record<string, (ws: Workspace | undefined, p: Record<string, unknown>) => Record<string, unknown>> = {
    'auth.test': (ws) => (ws ? { user_id: ws.botUserId, bot_id: ws.botId, team_id: ws.team, user: 'flattr', team: ws.team } : invalidAuth),
    'users.info': (ws, p) => {
      if (!ws) return invalidAuth;
      const id = String(p.user ?? '');
      if (!id) return { ok: false, error: 'user_not_found' };
      const u = users.get(`${ws.team}:${id}`) ?? { id, locale: 'en-US' };
      return { user: { id: u.id, team_id: ws.team, is_bot: u.is_bot ?? false, is_admin: u.is_admin ?? false, is_owner: u.is_owner ?? false, ...(p.include_locale ? { locale: u.locale ?? 'en-US' } : {}) } };
    },
    'conversations.open': (ws, p) => {
      if (!ws) return invalidAuth;
      const error = userErrors.get(`${ws.team}:${String(p.users ?? '')}`);
      return error ? { ok: false, error } : { channel: { id: `D${String(p.users ?? '').replace(/\W/g, '')}` } };
    },
    'chat.postMessage': (ws, p) => {
      if (!ws) return invalidAuth;
      const error = channelErrors.get(String(p.channel));
      return error ? { ok: false, error } : { channel: p.channel, ts: `${Math.floor(Date.now() / 1000)}.${String(calls.length).padStart(6, '0')}` };
    },
    'oauth.v2.access': (_ws, p) => {
      const grant = oauthCodes.get(String(p.code ?? ''));
      if (!grant) return { ok: false, error: 'invalid_code' };
      oauthCodes.delete(String(p.code));
      const ws = addWorkspace(grant.team);
      return {
        access_token: ws.botToken, token_type: 'bot', scope: 'reactions:read,commands,chat:write,users:read,im:write',
        bot_user_id: ws.botUserId, app_id: 'A0FLATTR', team: { id: grant.team, name: grant.name }, enterprise: null,
        is_enterprise_install: false, authed_user: { id: 'U0INSTALLER' },
      };
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method === 'GET' && (req.url ?? '').startsWith('/openid/connect/authorize')) return oidc.authorize(req, res);
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });
    const params: Record<string, unknown> = (req.headers['content-type'] ?? '').includes('json')
      ? JSON.parse(raw || '{}')
      : Object.fromEntries(new URLSearchParams(raw));
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (params.token as string | undefined);
    const call: FakeSlackCall = { method, token, params, at: Date.now() };
    calls.push(call);
    const ws = token ? workspaces.get(token) : undefined;
    const fault = faults.get(method);
    if (fault !== undefined) {
      faults.delete(method);
      if (fault === 'stall') return;
      res.writeHead(fault, { 'content-type': 'application/json' });
      return void res.end('{"ok":false,"error":"internal_error"}');
    }
    if (token && revoked.has(token)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"ok":false,"error":"token_revoked"}');
    }
    const paced = method === 'chat.postMessage' && channelIntervalMs > 0 ? paceChannel(String(params.channel)) : undefined;
    if (paced !== undefined) {
      limited.count++;
      call.answered = 'ratelimited';
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(paced) });
      return void res.end('{"ok":false,"error":"ratelimited"}');
    }
    const limit = rateLimits.get(method);
    if (limit !== undefined && (limit.channel === undefined || limit.channel === params.channel)) {
      rateLimits.delete(method);
      call.answered = 'ratelimited';
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limit.seconds) });
      return void res.end('{"ok":false,"error":"ratelimited"}');
    }
    if (method === 'users.info' && ws && users.get(`${ws.team}:${String(params.user)}`)?.broken) {
      res.writeHead(500, { 'content-type': 'application/json' });
      return void res.end('{"ok":false,"error":"internal_error"}');
    }
    const handler = methods[method];
    const signIn = oidc.methods[method];
    const answer = signIn ? signIn(params, token) : handler ? handler(token ? workspaces.get(token) : undefined, params) : { ok: false, error: 'unknown_method' };
    call.answered = answer.ok === false ? String(answer.error) : 'ok';
    if (typeof answer.ts === 'string') call.ts = answer.ts;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, ...answer }));
  }

  /** Seconds to wait when a channel got a message less than the interval ago, else undefined (and the post counts). */
  function paceChannel(channel: string): number | undefined {
    const now = Date.now();
    const last = lastPost.get(channel);
    if (last !== undefined && now - last < channelIntervalMs) return Math.max(1, Math.ceil((channelIntervalMs - (now - last)) / 1000));
    lastPost.set(channel, now);
    return undefined;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    addWorkspace,
    setUser: (team: string, user: FakeSlackUser) => users.set(`${team}:${user.id}`, user),
    /** Sign in with Slack: the app's client id and secret, who the authorize page signs in, codes granted by hand. */
    oidc,
    /** A code the OAuth redirect may exchange once for a bot token of `team`. */
    grantOAuthCode: (code: string, team: string, name = `Workspace ${team}`) => oauthCodes.set(code, { team, name }),
    /** The next call of `method` (in `channel`, when given) answers 429 with Retry-After, as Slack's rate limiter does. */
    rateLimitNext: (method: string, retryAfterSeconds: number, channel?: string) => rateLimits.set(method, { seconds: retryAfterSeconds, channel }),
    /** The next call of `method` answers this HTTP status (a Slack outage), or is never answered ('stall'). */
    failNext: (method: string, fault: number | 'stall') => faults.set(method, fault),
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    /** What the bot posted in a channel (chat.postMessage calls that were answered ok), oldest first. */
    posted: (channel: string) => calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === channel && c.answered === 'ok').map((c) => c.params),
    /** chat.postMessage in `channel` answers `error` from now on (the bot lost it); '' answers ok again. */
    failChannel: (channel: string, error: string) => void (error ? channelErrors.set(channel, error) : channelErrors.delete(channel)),
    /** conversations.open with this user answers `error` (a deactivated account, a user the bot may not DM). */
    failUser: (team: string, user: string, error: string) => userErrors.set(`${team}:${user}`, error),
    /** The workspace uninstalled the app: its bot token answers token_revoked from now on. */
    revokeWorkspace: (team: string) => void [...workspaces.values()].filter((w) => w.team === team).forEach((w) => revoked.add(w.botToken)),
    /** Enforce one message per channel per `ms` with 429 and Retry-After, as Slack does (0: off). */
    paceChannels: (ms: number) => void (channelIntervalMs = ms),
    /** 429s answered because of the channel pace. */
    channelRateLimited: () => limited.count,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const invalidAuth = { ok: false, error: 'invalid_auth' };

export type FakeSlackApi = Awaited<ReturnType<typeof startFakeSlackApi>>;
