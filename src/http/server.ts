import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../support/logger.js';
import type { Metrics } from '../support/metrics.js';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export type Readiness = () => Promise<Record<string, boolean>>;

/** The hub's one HTTP server: probes and metrics here, adapters add their routes. */
export function createHttpServer(deps: { logger: Logger; metrics: Metrics; readiness: Readiness }): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Probes and scrapes arrive every few seconds: logging them would drown everything else.
    logController: new LogController({ disableRequestLogging: (request) => PROBES.has(request.url) }),
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const checks = await deps.readiness();
    const ok = Object.values(checks).every(Boolean);
    return reply.code(ok ? 200 : 503).send({ ok, checks });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return app;
}
