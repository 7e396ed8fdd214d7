import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../../src/support/logger.js';
import { isRoutableBody } from './schema.js';
import { verifySlackRequest } from './verify-request.js';

const BODY_LIMIT = 1024 * 1024;
const EVENTS_PATH = '/slack/events';

export type SlackHttpDeps = {
  signingSecret: string;
  now(): Date;
  logger: Logger;
  /** The running Bolt receiver, or undefined while the adapter is stopped (then 503: Slack retries later). */
  receiver(): HTTPReceiver | undefined;
  ignoreUnknown(details: Record<string, unknown>): void;
};

/**
 * Hands `/slack/*` on the hub's own server to Bolt's HTTPReceiver. The route's
 * onRequest hook hijacks the reply before Fastify parses a body, so the raw
 * bytes stay intact for the signature. The hub verifies the signature and a
 * ±5-minute window itself with the injectable clock (Bolt lets future
 * timestamps through), and checks the body parses, before Bolt sees it.
 */
export function mountSlackRoutes(http: FastifyInstance, deps: SlackHttpDeps): void {
  http.route({
    method: ['GET', 'POST'],
    url: '/slack/*',
    onRequest: async (request, reply) => {
      reply.hijack();
      handle(request.raw, reply.raw, deps).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'slack request failed');
        if (!reply.raw.headersSent) end(reply.raw, 500);
      });
      return reply;
    },
    handler: async () => undefined,
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: SlackHttpDeps): Promise<void> {
  const receiver = deps.receiver();
  if (!receiver) return end(res, 503);
  const path = new URL(req.url ?? '/', 'http://hub').pathname;
  if (req.method === 'POST' && path === EVENTS_PATH) return handleEvent(req, res, receiver, deps);
  try {
    // OAuth install paths (GET); Bolt throws synchronously for paths it does not own.
    receiver.requestListener(req, res);
  } catch {
    end(res, 404);
  }
}

async function handleEvent(req: IncomingMessage, res: ServerResponse, receiver: HTTPReceiver, deps: SlackHttpDeps): Promise<void> {
  const rawBody = await readBody(req);
  if (!rawBody) return end(res, 413);
  // Slack's SSL check on slash-command URLs may come unsigned; it is answered and nothing else is read from it.
  if (parseBody(rawBody, header(req, 'content-type'))?.ssl_check === '1') return end(res, 200);
  const verdict = verifySlackRequest({
    signingSecret: deps.signingSecret, rawBody, now: deps.now(),
    timestamp: header(req, 'x-slack-request-timestamp'), signature: header(req, 'x-slack-signature'),
  });
  if (!verdict.ok) {
    deps.logger.warn({ reason: verdict.reason }, 'slack request refused: check SLACK_SIGNING_SECRET and the server clock');
    return end(res, 401);
  }
  const body = parseBody(rawBody, header(req, 'content-type'));
  if (!body) return end(res, 400);
  if (!isRoutableBody(body)) {
    deps.ignoreUnknown({ type: typeof body.type === 'string' ? body.type.slice(0, 64) : undefined });
    return end(res, 200);
  }
  // Bolt reuses an already-read body (BufferedIncomingMessage.rawBody) instead of reading the stream again.
  Object.assign(req, { rawBody });
  receiver.requestListener(req, res);
}

/** The parsed body as Bolt will parse it, or undefined when it is not valid JSON / form data. */
export function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  try {
    if (type === 'application/x-www-form-urlencoded') {
      const form = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
      return typeof form.payload === 'string' ? asObject(JSON.parse(form.payload)) : form;
    }
    if (type === 'application/json') return asObject(JSON.parse(raw.toString('utf8')));
  } catch {
    return undefined;
  }
  return undefined;
}

const asObject = (value: unknown) =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function end(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
