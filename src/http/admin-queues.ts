import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyRequest } from 'fastify';

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
      if (!isAdmin(request, adminToken)) {
        return reply.code(401).header('www-authenticate', 'Basic realm="flattr-hub admin"').send({ error: 'admin token required' });
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: BASE });
  });
}

function isAdmin(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const [scheme, value = ''] = header.split(' ', 2);
  let given = '';
  if (scheme?.toLowerCase() === 'bearer') given = value;
  else if (scheme?.toLowerCase() === 'basic') given = Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
