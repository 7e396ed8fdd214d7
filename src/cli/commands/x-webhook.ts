import type { Runtime } from '../../runtime.js';
import { out } from '../output.js';

/**
 * `flattr x webhook register`: registers PUBLIC_URL/twitter/webhook at X by
 * hand (the hub tries at every start). X checks the URL with a CRC request,
 * so a hub must be running at PUBLIC_URL. X's refusal is one line, exit 1.
 */
export async function xWebhookRegisterCommand(runtime: Runtime): Promise<number> {
  const x = runtime.config.twitter;
  if (!x?.bearerToken || !x.consumerSecret) {
    process.stderr.write('flattr: X is not configured for the webhook: set TWITTER_BEARER_TOKEN and TWITTER_CONSUMER_SECRET (and TWITTER_CLIENT_ID, TWITTER_CLIENT_SECRET)\n');
    return 1;
  }
  const { registerXWebhook, xWebhookUrl, XWebhookError } = await import('../../../adapters/twitter/register-webhook.js');
  const url = xWebhookUrl(runtime.config.http.publicUrl);
  try {
    const done = await registerXWebhook({ clientId: x.clientId, clientSecret: x.clientSecret, apiUrl: x.apiUrl, bearerToken: x.bearerToken }, url);
    out(`${done.outcome.replace('_', ' ')}: ${url} (webhook ${done.id})`);
    return 0;
  } catch (error) {
    if (!(error instanceof XWebhookError)) throw error;
    process.stderr.write(`flattr: ${error.message}\n`);
    return 1;
  }
}
