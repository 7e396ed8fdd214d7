import type { ConnectionOptions, Queue } from 'bullmq';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import type { Logger } from '../../src/support/logger.js';
import { createTokenCipher } from '../../src/support/token-cipher.js';
import { createXAccessTokens } from './access-token.js';
import { usesXWebhook } from './index.js';
import { xWebhookUrl } from './register-webhook.js';
import { createXSubscriptionWorker, scheduleXSubscriptionSync } from './subscription-sync.js';

/**
 * What a worker process runs for X: the subscription reconciliation (its job
 * scheduler and worker). Returns the function that stops it.
 */
export async function startXWorkers(config: Config, o: { db: Db; connection: ConnectionOptions; queue: Queue; tokenEncryptionKey: string; logger: Logger; now?: () => Date }): Promise<() => Promise<void>> {
  const x = config.twitter!;
  const now = o.now ?? (() => new Date());
  const settings = { clientId: x.clientId, clientSecret: x.clientSecret, apiUrl: x.apiUrl };
  const tokens = createXAccessTokens({ db: o.db, cipher: createTokenCipher(o.tokenEncryptionKey), settings, now, logger: o.logger });
  const worker = createXSubscriptionWorker({
    connection: o.connection, prefix: config.redis.queuePrefix, logger: o.logger,
    deps: {
      db: o.db, tokens, settings: { ...settings, bearerToken: x.bearerToken ?? '' }, webhookUrl: xWebhookUrl(config.http.publicUrl),
      webhookMode: usesXWebhook(x), now, logger: o.logger,
    },
  });
  await scheduleXSubscriptionSync(o.queue);
  return () => worker.close();
}
