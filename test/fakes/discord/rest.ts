import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDiscordOAuthRoutes, isOAuthRequest } from './oauth.js';

export type RecordedRequest = {
  method: string; path: string; query: URLSearchParams; body: unknown; authorization?: string;
  /** When the fake received it (ms since the epoch), and the HTTP status it answered (set once answered). */
  at: number; status?: number;
};
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Route = { method: string; pattern: RegExp; handle(match: string[], request: RecordedRequest): Reply };

export type FakeRestState = {
  token: string;
  shards: number;
  gatewayUrl: () => string;
  /** Messages the bot can fetch, by "channel:message". */
  messages: Map<string, Record<string, unknown>>;
  /** Bulk-overwritten commands by scope: "global" or a guild id. */
  commands: Map<string, unknown[]>;
  /** Interaction responses by interaction token: the callback, then any edit of the original reply. */
  replies: Map<string, unknown[]>;
  /** DM channel ids by recipient user id. */
  dms: Map<string, string>;
  /** The other way round (DM channel id → user), kept by the route that opens DMs: a post finds its DM's user at once among 20,000. */
  dmUsers?: Map<string, string>;
  /** Messages the bot posted, by channel id. */
  posted: Map<string, unknown[]>;
  nextId(): string;
  /** The next request to this path (exact, after /api/v10) answers 429 once, as Discord does when a bucket is empty. */
  rateLimitNext?: { path: string; retryAfterSeconds: number };
  /** The next request to this path answers this HTTP status once (a Discord outage). */
  failNext?: { path: string; status: number };
  /** Errors POST /channels/:id/messages answers for a channel: a channel the bot lost (50001 Missing Access, 10003 Unknown Channel). */
  channelErrors?: Map<string, { status: number; code: number; message: string }>;
  /** Users who do not accept DMs: a message to their DM channel answers 403, code 50007. */
  closedDms?: Set<string>;
  /** Discord's global limit (requests per second per bot): past it, 429 with `global: true` and retry_after. */
  globalLimit?: { perSecond: number };
  /** 429s answered (rateLimitNext and the global limit). */
  rateLimited?: number;
};

/** https://discord.com/developers/docs/topics/opcodes-and-status-codes#json */
const CANNOT_DM = { status: 403, code: 50007, message: 'Cannot send messages to this user' };

/**
 * The part of Discord's REST API (v10) the adapter and discord.js call, with
 * JSON answers (@discordjs/rest hands back an ArrayBuffer without
 * `content-type: application/json`). Unknown routes answer Discord's 404.
 */
export function createRestRoutes(state: FakeRestState): Route[] {
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);
  const overwrite = (scope: string, body: unknown): Reply => {
    const commands = (body as Record<string, unknown>[]).map((c) => ({ id: state.nextId(), version: state.nextId(), ...c }));
    state.commands.set(scope, commands);
    return { status: 200, body: commands };
  };
  return [
    ...createDiscordOAuthRoutes(state),
    { method: 'GET', pattern: /^\/gateway\/bot$/, handle: () => ({
      status: 200,
      // max_concurrency = shards: every shard may IDENTIFY at once (discord.js otherwise spaces them 5 s apart).
      body: { url: state.gatewayUrl(), shards: state.shards, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: state.shards } },
    }) },
    { method: 'GET', pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/, handle: ([c, m]) => {
      const message = state.messages.get(`${c}:${m}`);
      return message ? { status: 200, body: message } : { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    } },
    { method: 'PUT', pattern: /^\/applications\/(\d+)\/commands$/, handle: (_m, r) => overwrite('global', r.body) },
    { method: 'PUT', pattern: /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, handle: ([, g], r) => overwrite(g!, r.body) },
    { method: 'POST', pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/, handle: ([id, token], r) => {
      push(state.replies, token!, r.body);
      return r.query.get('with_response') === 'true' ? { status: 200, body: { interaction: { id, type: 2 } } } : { status: 204 };
    } },
    { method: 'PATCH', pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/, handle: ([, token], r) => {
      push(state.replies, token!, r.body);
      return { status: 200, body: { id: state.nextId(), channel_id: '0', ...(r.body as object) } };
    } },
    { method: 'POST', pattern: /^\/users\/@me\/channels$/, handle: (_m, r) => {
      const recipient = (r.body as { recipient_id: string }).recipient_id;
      const id = state.dms.get(recipient) ?? state.nextId();
      state.dms.set(recipient, id);
      (state.dmUsers ??= new Map()).set(id, recipient);
      return { status: 200, body: { id, type: 1, last_message_id: null, flags: 0, recipients: [{ id: recipient, username: 'someone', discriminator: '0', avatar: null }] } };
    } },
    { method: 'POST', pattern: /^\/channels\/(\d+)\/messages$/, handle: ([c], r) => {
      const dmUser = state.dmUsers?.get(c!);
      const error = state.channelErrors?.get(c!) ?? (dmUser && state.closedDms?.has(dmUser) ? CANNOT_DM : undefined);
      if (error) return { status: error.status, body: { message: error.message, code: error.code } };
      // enforce_nonce: the same nonce again answers the first message instead of posting a second one.
      const body = r.body as { nonce?: string; enforce_nonce?: boolean };
      const first = body.enforce_nonce && body.nonce ? state.posted.get(c!)?.find((m) => (m as { nonce?: string }).nonce === body.nonce) : undefined;
      if (first) return { status: 200, body: first };
      const message = { id: state.nextId(), channel_id: c, author: { id: '0', bot: true }, ...(r.body as object) };
      push(state.posted, c!, message);
      return { status: 200, body: message };
    } },
  ];
}

/** Dispatches one HTTP request under `/api/v10` to the routes, recording it. */
export async function handleRest(routes: Route[], log: RecordedRequest[], state: FakeRestState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
  const request: RecordedRequest = {
    method: req.method ?? 'GET', path, query: url.searchParams,
    body: text && req.headers['content-type']?.includes('json') ? JSON.parse(text) : text || undefined,
    authorization: req.headers.authorization, at: Date.now(),
  };
  log.push(request);
  // Interaction callbacks are not bound by the global limit (they authenticate by their own token).
  const limited = rateLimited(state, request) ?? (/^\/(interactions|webhooks)\//.test(request.path) ? undefined : globallyLimited(state));
  if (limited) state.rateLimited = (state.rateLimited ?? 0) + 1;
  const failed = state.failNext?.path === request.path ? { status: state.failNext.status, body: { message: 'Internal Server Error', code: 0 } } : undefined;
  if (failed) state.failNext = undefined;
  const reply: Reply = authorized(request, state.token) ?? limited?.reply ?? failed ?? route(routes, request);
  request.status = reply.status;
  res.writeHead(reply.status, { ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }), ...limited?.headers, ...reply.headers });
  res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
}

/** https://discord.com/developers/docs/topics/rate-limits#header-format */
function rateLimited(state: FakeRestState, request: RecordedRequest): { reply: Reply; headers: Record<string, string> } | undefined {
  const limit = state.rateLimitNext;
  if (!limit || limit.path !== request.path) return undefined;
  state.rateLimitNext = undefined;
  const after = String(limit.retryAfterSeconds);
  return {
    reply: { status: 429, body: { message: 'You are being rate limited.', retry_after: limit.retryAfterSeconds, global: false } },
    headers: {
      'retry-after': after, 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': after,
      'x-ratelimit-bucket': 'fake-bucket', 'x-ratelimit-scope': 'user',
    },
  };
}

/** Requests in the current one-second window of the global limit. */
const windows = new WeakMap<FakeRestState, { start: number; count: number }>();

/** https://discord.com/developers/docs/topics/rate-limits#global-rate-limit */
function globallyLimited(state: FakeRestState): { reply: Reply; headers: Record<string, string> } | undefined {
  if (!state.globalLimit) return undefined;
  const now = Date.now();
  let w = windows.get(state);
  if (!w || now - w.start >= 1000) windows.set(state, (w = { start: now, count: 0 }));
  if (++w.count <= state.globalLimit.perSecond) return undefined;
  const retryAfter = Math.max(0.001, (w.start + 1000 - now) / 1000);
  return {
    reply: { status: 429, body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true } },
    headers: { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
  };
}

function authorized(request: RecordedRequest, token: string): Reply | undefined {
  // Interaction callbacks and webhook edits authenticate by their token in the path, as on Discord.
  if (/^\/(interactions|webhooks)\//.test(request.path) || isOAuthRequest(request)) return undefined;
  return request.authorization === `Bot ${token}` ? undefined : { status: 401, body: { message: '401: Unauthorized', code: 0 } };
}

function route(routes: Route[], request: RecordedRequest): Reply {
  for (const r of routes) {
    const match = r.method === request.method ? r.pattern.exec(request.path) : null;
    if (match) return r.handle(match.slice(1), request);
  }
  return { status: 404, body: { message: '404: Not Found', code: 0 } };
}
