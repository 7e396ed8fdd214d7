import type { FastifyInstance } from 'fastify';
import type { AdapterContext } from '../../src/adapters/port.js';
import { normalizeXDelivery } from './normalize.js';
import { markXDisconnected, xIdentityId } from './token-store.js';
import { crcResponse, verifyXSignature } from './webhook-signature.js';

/** X's deliveries are small; a body past this is not X's. */
const BODY_LIMIT = 1024 * 1024;

/**
 * GET /twitter/webhook answers X's CRC challenge; POST /twitter/webhook takes
 * signed X Activity API (and legacy Account Activity API) deliveries. The
 * signature is checked on the raw bytes before anything is parsed: a missing
 * or wrong one is 401 and nothing is recorded. A signed body the hub cannot
 * use is 200 and counted (X would otherwise retry it); a like that cannot be
 * queued is 503, so X delivers it again. While the adapter is stopped both
 * answer 503.
 */
export function mountXWebhookRoutes(http: FastifyInstance, o: { consumerSecret: string; ctx: AdapterContext; running(): boolean; onRevoked(identityId: number): void }): void {
  const { ctx } = o;
  void http.register(async (scope) => {
    // The signature covers the exact bytes X sent: keep them, parse later.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

    scope.get<{ Querystring: { crc_token?: unknown } }>('/twitter/webhook', async (request, reply) => {
      if (!o.running()) return reply.code(503).send({ error: 'stopped' });
      const token = request.query.crc_token;
      if (typeof token !== 'string' || token.length === 0) return reply.code(400).send({ error: 'crc_token is required' });
      return reply.send(crcResponse(token, o.consumerSecret));
    });

    scope.post('/twitter/webhook', async (request, reply) => {
      if (!o.running()) return reply.code(503).send({ error: 'stopped' });
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!verifyXSignature(raw, request.headers['x-twitter-webhooks-signature'], o.consumerSecret)) {
        ctx.logger.info({ platform: 'twitter', signed: request.headers['x-twitter-webhooks-signature'] !== undefined }, 'X webhook delivery refused: missing or wrong signature');
        return reply.code(401).send({ error: 'bad signature' });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        ctx.ignore('twitter', 'malformed_event', { why: 'body is not JSON' });
        return reply.code(200).send({ ok: true });
      }
      for (const outcome of normalizeXDelivery(body)) {
        if (outcome.kind === 'ignore') ctx.ignore('twitter', outcome.reason, outcome.details);
        else if (outcome.kind === 'revoked') await revoke(outcome.xUserId);
        else {
          try {
            await ctx.emitLike(outcome.event);
          } catch (error) {
            ctx.logger.warn({ err: error, platform: 'twitter', eventId: outcome.event.eventId }, 'X like could not be queued: answered 503 so X delivers it again');
            return reply.code(503).send({ error: 'try again' });
          }
        }
      }
      return reply.code(200).send({ ok: true });
    });
  });

  /** The user removed the app at X: the grant is gone, so the identity is disconnected (its likes so far still count). */
  async function revoke(xUserId: string): Promise<void> {
    const identityId = await xIdentityId(ctx.db, xUserId);
    if (identityId === undefined) return;
    if (await markXDisconnected(ctx.db, identityId, 'oauth_revoke_event', ctx.now())) {
      ctx.logger.info({ platform: 'twitter', identityId }, 'X says the user revoked the app: identity disconnected');
      o.onRevoked(identityId);
    }
  }
}
