import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { hasAdminToken } from './admin-token.js';

const BASE = '/admin/queues';

/**
 * The queue dashboard (failed jobs stay visible there) behind the admin
 * token, as `Authorization: Bearer <token>` or Basic auth with the token as
 * password, so a browser can open it with its own login prompt.
 */
export async function mountAdminQueues(app: FastifyInstance, queues: Queue[], adminToken: string): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  serverAdapter.setBasePath(BASE);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (!hasAdminToken(request.headers.authorization, adminToken)) {
        return reply.code(401).header('www-authenticate', 'Basic realm="flattr-hub admin"').send({ error: 'admin token required' });
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: BASE });
  });
}
