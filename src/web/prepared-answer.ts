import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An answer made once and sent to many views (kept with a view's data, see
 * view-cache.ts): its text, and the same text gzipped on the first view that
 * accepts it. Every browser accepts gzip; a month page of 100 flattrs is
 * about 40 KB of HTML and 4 KB gzipped, and writing the answer was most of a
 * kept view's cost (bench/web).
 */
export class PreparedAnswer {
  private gzipped?: Buffer;

  constructor(readonly text: string) {}

  gzip(): Buffer {
    // Level 6 (zlib's default): 40 KB in about a millisecond, once per kept reading.
    return (this.gzipped ??= gzipSync(this.text));
  }
}

/** Sends the answer, gzipped when the request accepts it. The content type and status are the caller's. */
export function sendPrepared(request: FastifyRequest, reply: FastifyReply, answer: PreparedAnswer, vary: string): FastifyReply {
  reply.header('vary', `${vary}, Accept-Encoding`);
  if (!acceptsGzip(request.headers['accept-encoding'])) return reply.send(answer.text);
  return reply.header('content-encoding', 'gzip').send(answer.gzip());
}

/** `Accept-Encoding` names gzip (or `*`) without `q=0` (RFC 9110, 12.5.3). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
