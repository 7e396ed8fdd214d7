import { z } from 'zod';
import { describeXError } from './access-token.js';
import { xClient, type XClientSettings } from './x-client.js';

const webhooksSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string(), url: z.string(), valid: z.boolean().optional() })).optional() });
const createdSchema = z.looseObject({ data: z.looseObject({ id: z.string(), url: z.string() }) });

export type XWebhookSettings = XClientSettings & { bearerToken: string };

/** The hub's webhook URL: PUBLIC_URL/twitter/webhook (X wants HTTPS and no port in production). */
export function xWebhookUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/twitter/webhook`;
}

/** X refused the webhook (its own words), or could not be asked. */
export class XWebhookError extends Error {
  readonly code = 'X_WEBHOOK_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'XWebhookError';
  }
}

/** The registered webhook with this URL, if any (GET /2/webhooks, app bearer token). */
export async function findXWebhook(settings: XWebhookSettings, url: string): Promise<{ id: string; valid: boolean } | undefined> {
  let listed;
  try {
    listed = webhooksSchema.parse(await xClient(settings, settings.bearerToken).v2.get('webhooks'));
  } catch (error) {
    throw new XWebhookError(`X did not list the webhooks: ${describeXError(error)}`);
  }
  const found = listed.data?.find((w) => w.url === url);
  return found && { id: found.id, valid: found.valid !== false };
}

/**
 * Makes sure X delivers to `url`: registers it (POST /2/webhooks, which makes
 * X send a CRC challenge the hub must answer, so the HTTP server must be
 * listening), or, when it is registered but X marked it invalid, asks X for
 * a new CRC check (PUT /2/webhooks/:id). Throws XWebhookError with X's reason.
 */
export async function registerXWebhook(settings: XWebhookSettings, url: string): Promise<{ id: string; outcome: 'registered' | 'already_registered' | 'revalidated' }> {
  const client = xClient(settings, settings.bearerToken);
  const existing = await findXWebhook(settings, url);
  if (existing?.valid) return { id: existing.id, outcome: 'already_registered' };
  try {
    if (existing) {
      await client.v2.put(`webhooks/${existing.id}`);
      return { id: existing.id, outcome: 'revalidated' };
    }
    const created = createdSchema.parse(await client.v2.post('webhooks', { url }));
    return { id: created.data.id, outcome: 'registered' };
  } catch (error) {
    throw new XWebhookError(`X refused the webhook ${url}: ${describeXError(error)}`);
  }
}
