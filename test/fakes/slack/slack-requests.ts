import { signBody } from '../../../adapters/slack/verify-request.js';

export type SignedOptions = { now: Date; secret: string; retryNum?: number; timestamp?: number; signature?: string };

/** POSTs a body to the hub's /slack/events exactly as Slack signs it (v0 HMAC over timestamp and raw body). */
export async function postToSlackEndpoint(hubUrl: string, body: string, contentType: string, o: SignedOptions): Promise<Response> {
  const timestamp = String(o.timestamp ?? Math.floor(o.now.getTime() / 1000));
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': o.signature ?? `v0=${signBody(o.secret, timestamp, body)}`,
  };
  if (o.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(o.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return fetch(`${hubUrl}/slack/events`, { method: 'POST', headers, body });
}

export const postEvent = (hubUrl: string, envelope: unknown, o: SignedOptions) =>
  postToSlackEndpoint(hubUrl, JSON.stringify(envelope), 'application/json', o);

export const postCommand = (hubUrl: string, fields: Record<string, string>, o: SignedOptions) =>
  postToSlackEndpoint(hubUrl, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', o);
