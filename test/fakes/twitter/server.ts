import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake X API that the real twitter-api-v2 client talks to through
 * TWITTER_API_URL (adapters/twitter/x-client.ts rewrites its hosts). It speaks
 * the wire protocol the client and the hub use:
 * - OAuth 2.0 with PKCE: the authorize page (GET /i/oauth2/authorize) sends the
 *   browser back with a code (30 s, single use); POST /2/oauth2/token takes a
 *   JSON or form body with Basic client auth, checks the PKCE verifier, and
 *   rotates single-use refresh tokens; POST /2/oauth2/revoke.
 * - GET /2/users/me with a user's Bearer token.
 * - X Activity API subscriptions (POST/GET /2/activity/subscriptions,
 *   DELETE /2/activity/subscriptions/:id) and webhooks (POST/GET /2/webhooks,
 *   PUT /2/webhooks/:id triggers a CRC, DELETE), with a real CRC request to the
 *   registered URL.
 * - POST /2/dm_conversations/with/:participant_id/messages.
 * - x-rate-limit-* headers on every /2/ answer, and per-route limits with 429s.
 *
 * More endpoints plug in with `addRoute` (or `routes` at start), each in its
 * own file: test/fakes/twitter/liked-tweets.ts adds GET /2/users/:id/liked_tweets.
 */

export type FakeXRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** The body parsed as JSON, or as a form when it is url-encoded; undefined when empty or unparseable. */
  body: Record<string, unknown> | undefined;
  /** The Bearer token, if any. */
  bearer?: string;
  /** Basic client credentials, if any. */
  basic?: { id: string; secret: string };
  at: number;
};

export type FakeXReply = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * One endpoint. `limit` names its rate-limit bucket (per token, like X's
 * per-user and per-app limits); `handle` answers, given the path's captures.
 */
export type FakeXRoute = {
  method: string;
  pattern: RegExp;
  /** Rate-limit bucket name; every route without one shares 'default'. */
  bucket?: string;
  handle(match: RegExpMatchArray, request: FakeXRequest, x: FakeX): FakeXReply | Promise<FakeXReply>;
};

export type FakeXUser = { id: string; username: string; name: string };

/** A token X issued: whose, what it may do, and until when. */
export type FakeXGrant = { userId: string; scopes: string[]; expiresAt: number; revoked?: boolean };

type PendingCode = { userId: string; scopes: string[]; redirectUri: string; challenge: string; method: string; expiresAt: number };

export type FakeXSubscription = {
  subscription_id: string;
  event_type: string;
  filter: { user_id: string; direction?: string };
  webhook_id: string;
  tag?: string;
  created_at: string;
  updated_at: string;
};

export type FakeXWebhook = { id: string; url: string; valid: boolean; created_at: string };
export type FakeXDm = { from: string; to: string; text: string; dm_event_id: string; at: number };

export type FakeX = Awaited<ReturnType<typeof startFakeX>>;

/** Rate-limit windows as X documents them: limit per 15 minutes. */
type Limit = { limit: number; windowMs: number };

export async function startFakeX(options: { routes?: FakeXRoute[]; now?: () => number } = {}) {
  const now = options.now ?? (() => Date.now());
  const app = {
    clientId: 'fake-x-client-id',
    clientSecret: 'fake-x-client-secret',
    consumerSecret: 'fake-x-consumer-secret',
    bearerToken: 'fake-x-app-bearer-token',
  };
  const users = new Map<string, FakeXUser>();
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, FakeXGrant>();
  const refreshTokens = new Map<string, FakeXGrant & { spent?: boolean }>();
  const subscriptions = new Map<string, FakeXSubscription>();
  const webhooks = new Map<string, FakeXWebhook>();
  const dms: FakeXDm[] = [];
  const requests: FakeXRequest[] = [];
  /** Users whose DMs are closed to the sender: X answers 403. */
  const closedDms = new Set<string>();
  /** Next answers forced for a route key ("POST /2/activity/subscriptions"): a status and body, used once each. */
  const faults = new Map<string, FakeXReply[]>();
  const delays = new Map<string, number[]>();
  const limits = new Map<string, Limit>();
  const usage = new Map<string, { count: number; resetAt: number }>();
  const routes: FakeXRoute[] = [];
  let seq = 0;
  const id = (prefix: string) => `${prefix}${++seq}${randomBytes(6).toString('hex')}`;
  const numericId = () => String(1_800_000_000_000_000_000n + BigInt(++seq) * 7919n);
  /** Who the authorize page signs in; undefined: they press Cancel. */
  let signedIn: string | undefined;
  /** Lifetime of new access tokens (X: 2 hours). */
  let accessTokenSeconds = 7200;
  /** Set: POST /2/webhooks refuses every URL with this message (as X refuses a URL it cannot reach). */
  let refuseWebhooks: string | undefined;

  const x = {
    app,
    users, codes, accessTokens, refreshTokens, subscriptions, webhooks, dms, requests, closedDms,
    url: '',
    addUser(userId: string, username = `user${userId}`): FakeXUser {
      const user = { id: userId, username, name: username };
      users.set(userId, user);
      return user;
    },
    /** The person the authorize page signs in (created if unknown), or undefined: they cancel. */
    signIn(userId: string | undefined) {
      if (userId && !users.has(userId)) x.addUser(userId);
      signedIn = userId;
    },
    setAccessTokenSeconds(seconds: number) {
      accessTokenSeconds = seconds;
    },
    refuseWebhookRegistration(message: string | undefined) {
      refuseWebhooks = message;
    },
    /** The user removed the app at X: every token of theirs stops working. */
    revokeUser(userId: string) {
      for (const grant of [...accessTokens.values(), ...refreshTokens.values()]) if (grant.userId === userId) grant.revoked = true;
    },
    /** The next `times` answers of `key` ("METHOD /path" as the route pattern sees it) are `reply`. */
    fail(key: string, reply: FakeXReply, times = 1) {
      faults.set(key, [...(faults.get(key) ?? []), ...Array.from({ length: times }, () => reply)]);
    },
    /** The next answer of `key` ("METHOD /path") comes `ms` late, as from a slow X. */
    slowDown(key: string, ms: number) {
      delays.set(key, [...(delays.get(key) ?? []), ms]);
    },
    /** Rate limit on a bucket, per token: `limit` requests per `windowMs` (X: per 15 minutes). */
    setLimit(bucket: string, limit: number, windowMs = 15 * 60_000) {
      limits.set(bucket, { limit, windowMs });
    },
    addRoute(route: FakeXRoute) {
      routes.unshift(route);
    },
    /** Requests the hub made to `path` (exact, or matching the pattern). */
    calls(method: string, path: string | RegExp): FakeXRequest[] {
      return requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
    },
    /** A token set for `userId` as the token endpoint would issue it (tests that skip the browser dance). */
    issueTokens(userId: string, scopes: string[]) {
      return issue(userId, scopes);
    },
    /** The active like.create subscriptions' user ids. */
    subscribedUsers(): string[] {
      return [...subscriptions.values()].map((s) => s.filter.user_id).sort();
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };

  function issue(userId: string, scopes: string[]) {
    const access = id('xat-');
    const grant = { userId, scopes, expiresAt: now() + accessTokenSeconds * 1000 };
    accessTokens.set(access, grant);
    const body: Record<string, unknown> = { token_type: 'bearer', expires_in: accessTokenSeconds, access_token: access, scope: scopes.join(' ') };
    if (scopes.includes('offline.access')) {
      const refresh = id('xrt-');
      refreshTokens.set(refresh, { ...grant, expiresAt: Number.POSITIVE_INFINITY });
      body.refresh_token = refresh;
    }
    return body as { token_type: string; expires_in: number; access_token: string; scope: string; refresh_token?: string };
  }

  const userGrant = (request: FakeXRequest, scope?: string): FakeXGrant | FakeXReply => {
    const grant = request.bearer ? accessTokens.get(request.bearer) : undefined;
    if (!grant || grant.revoked || grant.expiresAt <= now()) return unauthorized();
    if (scope && !grant.scopes.includes(scope)) return { status: 403, body: problem('Forbidden', `missing scope ${scope}`, 'https://api.twitter.com/2/problems/client-forbidden') };
    return grant;
  };
  const isApp = (request: FakeXRequest) => request.bearer === app.bearerToken;
  const isReply = (v: FakeXGrant | FakeXReply): v is FakeXReply => 'status' in v;

  const core: FakeXRoute[] = [
    { method: 'GET', pattern: /^\/i\/oauth2\/authorize$/, handle: (_m, r) => {
      const q = r.query;
      const redirectUri = q.get('redirect_uri');
      if (!redirectUri || q.get('client_id') !== app.clientId || q.get('response_type') !== 'code' || !q.get('code_challenge')) {
        return { status: 400, body: 'Something went wrong: invalid authorization request' };
      }
      const back = new URL(redirectUri);
      if (signedIn) {
        const code = id('xcode-');
        codes.set(code, {
          userId: signedIn, scopes: (q.get('scope') ?? '').split(/[ +]/).filter(Boolean), redirectUri,
          challenge: q.get('code_challenge')!, method: (q.get('code_challenge_method') ?? 'plain').toLowerCase(), expiresAt: now() + 30_000,
        });
        back.searchParams.set('code', code);
      } else {
        back.searchParams.set('error', 'access_denied');
      }
      const state = q.get('state');
      if (state !== null) back.searchParams.set('state', state);
      return { status: 302, headers: { location: back.toString() } };
    } },
    { method: 'POST', pattern: /^\/2\/oauth2\/token$/, handle: (_m, r) => {
      const b = r.body ?? {};
      const clientId = r.basic?.id ?? b.client_id;
      if (clientId !== app.clientId || (r.basic && r.basic.secret !== app.clientSecret)) {
        return { status: 401, body: { error: 'unauthorized_client', error_description: 'Missing valid authorization header' } };
      }
      if (b.grant_type === 'authorization_code') {
        const pending = codes.get(String(b.code ?? ''));
        codes.delete(String(b.code ?? ''));
        const verifier = String(b.code_verifier ?? '');
        const computed = pending?.method === 's256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
        if (!pending || pending.expiresAt <= now() || pending.redirectUri !== b.redirect_uri || computed !== pending.challenge) {
          return { status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' } };
        }
        return { status: 200, body: issue(pending.userId, pending.scopes) };
      }
      if (b.grant_type === 'refresh_token') {
        const token = String(b.refresh_token ?? '');
        const grant = refreshTokens.get(token);
        if (!grant || grant.spent || grant.revoked) {
          return { status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' } };
        }
        // Single use: the old refresh token is spent the moment a new pair is issued.
        grant.spent = true;
        return { status: 200, body: issue(grant.userId, grant.scopes) };
      }
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    } },
    { method: 'POST', pattern: /^\/2\/oauth2\/revoke$/, handle: (_m, r) => {
      const token = String(r.body?.token ?? '');
      const grant = accessTokens.get(token) ?? refreshTokens.get(token);
      if (grant) x.revokeUser(grant.userId);
      return { status: 200, body: { revoked: true } };
    } },
    { method: 'GET', pattern: /^\/2\/users\/me$/, handle: (_m, r) => {
      const grant = userGrant(r, 'users.read');
      if (isReply(grant)) return grant;
      const user = users.get(grant.userId) ?? x.addUser(grant.userId);
      return { status: 200, body: { data: user } };
    } },
    { method: 'POST', pattern: /^\/2\/webhooks$/, handle: async (_m, r) => {
      if (!isApp(r)) return unauthorized();
      const url = String(r.body?.url ?? '');
      if (refuseWebhooks) return { status: 400, body: { errors: [{ message: refuseWebhooks }], title: 'Invalid Request', detail: refuseWebhooks } };
      const existing = [...webhooks.values()].find((w) => w.url === url);
      if (existing) return { status: 400, body: { errors: [{ message: 'DuplicateUrlFailed' }], title: 'Invalid Request', detail: 'A webhook with this URL already exists' } };
      if (!(await crcCheck(url))) return { status: 400, body: { errors: [{ message: 'CrcValidationFailed' }], title: 'Invalid Request', detail: 'The webhook did not answer the CRC challenge correctly' } };
      const webhook = { id: numericId(), url, valid: true, created_at: new Date(now()).toISOString() };
      webhooks.set(webhook.id, webhook);
      return { status: 200, body: { data: webhook } };
    } },
    { method: 'GET', pattern: /^\/2\/webhooks$/, handle: (_m, r) => {
      if (!isApp(r)) return unauthorized();
      const data = [...webhooks.values()];
      return { status: 200, body: { data, meta: { result_count: data.length } } };
    } },
    { method: 'PUT', pattern: /^\/2\/webhooks\/(\w+)$/, handle: async (m, r) => {
      if (!isApp(r)) return unauthorized();
      const webhook = webhooks.get(m[1]!);
      if (!webhook) return { status: 404, body: problem('Not Found Error', 'webhook not found', 'https://api.twitter.com/2/problems/resource-not-found') };
      webhook.valid = await crcCheck(webhook.url);
      return { status: 200, body: { data: { attempted: true } } };
    } },
    { method: 'DELETE', pattern: /^\/2\/webhooks\/(\w+)$/, handle: (m, r) => {
      if (!isApp(r)) return unauthorized();
      return { status: 200, body: { data: { deleted: webhooks.delete(m[1]!) } } };
    } },
    { method: 'POST', pattern: /^\/2\/activity\/subscriptions$/, handle: (_m, r) => {
      // A private event (like.create): the subscribed user's own token with like.read.
      const grant = userGrant(r, 'like.read');
      if (isReply(grant)) return grant;
      const b = r.body ?? {};
      const filter = (b.filter ?? {}) as { user_id?: string; direction?: string };
      if (b.event_type !== 'like.create' || filter.user_id !== grant.userId) {
        return { status: 400, body: problem('Invalid Request', 'event_type must be like.create and filter.user_id the authorizing user', 'https://api.twitter.com/2/problems/invalid-request') };
      }
      if (!webhooks.has(String(b.webhook_id ?? ''))) return { status: 400, body: problem('Invalid Request', 'unknown webhook_id', 'https://api.twitter.com/2/problems/invalid-request') };
      const duplicate = [...subscriptions.values()].find((s) => s.filter.user_id === filter.user_id && s.filter.direction === filter.direction && s.event_type === b.event_type);
      if (duplicate) return { status: 409, body: problem('Conflict', 'DuplicateSubscriptionFailed', 'https://api.twitter.com/2/problems/duplicate') };
      const at = new Date(now()).toISOString();
      const subscription: FakeXSubscription = {
        subscription_id: numericId(), event_type: 'like.create', filter: { user_id: filter.user_id, ...(filter.direction ? { direction: filter.direction } : {}) },
        webhook_id: String(b.webhook_id), ...(typeof b.tag === 'string' ? { tag: b.tag } : {}), created_at: at, updated_at: at,
      };
      subscriptions.set(subscription.subscription_id, subscription);
      return { status: 200, body: { data: subscription } };
    } },
    { method: 'GET', pattern: /^\/2\/activity\/subscriptions$/, handle: (_m, r) => {
      if (!isApp(r)) return unauthorized();
      const data = [...subscriptions.values()];
      return { status: 200, body: { data, meta: { result_count: data.length } } };
    } },
    { method: 'DELETE', pattern: /^\/2\/activity\/subscriptions\/(\w+)$/, handle: (m, r) => {
      if (!isApp(r)) return unauthorized();
      if (!subscriptions.delete(m[1]!)) return { status: 404, body: problem('Not Found Error', 'subscription not found', 'https://api.twitter.com/2/problems/resource-not-found') };
      return { status: 200, body: { data: { deleted: true } } };
    } },
    { method: 'POST', pattern: /^\/2\/dm_conversations\/with\/(\w+)\/messages$/, handle: (m, r) => {
      const grant = userGrant(r, 'dm.write');
      if (isReply(grant)) return grant;
      const to = m[1]!;
      const text = r.body?.text;
      if (typeof text !== 'string' || text.length === 0 || text.length > 10_000) return { status: 400, body: problem('Invalid Request', 'text must be 1 to 10000 characters', 'https://api.twitter.com/2/problems/invalid-request') };
      if (closedDms.has(to) || to === grant.userId) return { status: 403, body: problem('Forbidden', 'You cannot send messages to this user.', 'https://api.twitter.com/2/problems/client-forbidden') };
      const dm = { from: grant.userId, to, text, dm_event_id: numericId(), at: now() };
      dms.push(dm);
      return { status: 201, body: { data: { dm_conversation_id: `${grant.userId}-${to}`, dm_event_id: dm.dm_event_id } } };
    } },
  ];
  routes.push(...(options.routes ?? []), ...core);

  /** X's CRC: GET <url>?crc_token=…, expecting response_token = sha256=base64(HMAC(consumer secret, crc_token)). */
  async function crcCheck(url: string): Promise<boolean> {
    const token = randomBytes(16).toString('base64url');
    const target = new URL(url);
    target.searchParams.set('crc_token', token);
    try {
      const response = await fetch(target, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      if (response.status !== 200) return false;
      const body = (await response.json()) as { response_token?: unknown };
      return body.response_token === `sha256=${createHmac('sha256', app.consumerSecret).update(token).digest('base64')}`;
    } catch {
      return false;
    }
  }

  const server = createServer((req, res) => void serve(req, res));
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake-x');
    const request: FakeXRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, rawBody,
      body: parseBody(rawBody, req.headers['content-type']), at: now(), ...credentials(req.headers.authorization),
    };
    requests.push(request);
    const delay = delays.get(`${request.method} ${request.path}`)?.shift();
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    let reply: FakeXReply;
    let bucketHeaders: Record<string, string> = {};
    const matched = routes.map((route) => ({ route, match: route.method === request.method ? request.path.match(route.pattern) : null })).find((m) => m.match);
    if (!matched) {
      reply = { status: 404, body: problem('Not Found Error', `no route ${request.method} ${request.path}`, 'about:blank') };
    } else {
      const key = `${request.method} ${matched.route.pattern.source}`;
      const plainKey = `${request.method} ${request.path}`;
      const fault = faults.get(plainKey)?.shift() ?? faults.get(key)?.shift();
      const bucket = matched.route.bucket ?? 'default';
      const counted = request.path.startsWith('/2/') && !request.path.startsWith('/2/oauth2/') ? count(bucket, request.bearer ?? request.basic?.id ?? 'anonymous') : undefined;
      if (counted) bucketHeaders = counted.headers;
      if (fault) reply = fault;
      else if (counted?.exceeded) reply = { status: 429, body: problem('Too Many Requests', 'Too Many Requests', 'about:blank') };
      else {
        try {
          reply = await matched.route.handle(matched.match!, request, x);
        } catch (error) {
          reply = { status: 500, body: problem('Internal Error', (error as Error).message, 'about:blank') };
        }
      }
    }
    const headers: Record<string, string> = { ...bucketHeaders, ...(reply.headers ?? {}) };
    if (reply.body !== undefined && typeof reply.body !== 'string') headers['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? undefined : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  }

  /** One request against a bucket's window; headers as X sends them (reset in epoch seconds). */
  function count(bucket: string, token: string): { exceeded: boolean; headers: Record<string, string> } {
    const limit = limits.get(bucket) ?? { limit: 900, windowMs: 15 * 60_000 };
    const key = `${bucket}\u0000${token}`;
    let window = usage.get(key);
    if (!window || window.resetAt <= now()) usage.set(key, (window = { count: 0, resetAt: now() + limit.windowMs }));
    window.count += 1;
    const remaining = Math.max(0, limit.limit - window.count);
    return {
      exceeded: window.count > limit.limit,
      headers: { 'x-rate-limit-limit': String(limit.limit), 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(Math.ceil(window.resetAt / 1000)) },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  x.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return x;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function credentials(header: string | undefined): Pick<FakeXRequest, 'bearer' | 'basic'> {
  if (!header) return {};
  const [scheme, value = ''] = header.split(' ');
  if (scheme?.toLowerCase() === 'bearer') return { bearer: value };
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    return { basic: { id: decodeURIComponent(decoded.slice(0, at)), secret: decodeURIComponent(decoded.slice(at + 1)) } };
  }
  return {};
}

/** X API v2's problem format. */
export function problem(title: string, detail: string, type: string) {
  return { title, detail, type, errors: [{ message: detail }] };
}

function unauthorized(): FakeXReply {
  return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
}
