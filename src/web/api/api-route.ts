import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { PreparedAnswer, sendPrepared } from '../prepared-answer.js';
import type { Viewer } from '../viewer.js';
import { WebError } from '../web-error.js';

/**
 * One JSON API route, described once: the route is registered from it and
 * the OpenAPI document is generated from it (openapi.ts), so the document
 * cannot drift from what the routes parse and answer.
 */
export type ApiRouteSpec = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify path, e.g. /api/v1/tokens/:id. */
  url: string;
  operationId: string;
  summary: string;
  /** Whether a session or API token is required (401 without). */
  auth: boolean;
  params?: z.ZodObject;
  /** Query string (paging, filters); a value that does not parse is a 422. */
  query?: z.ZodObject;
  body?: z.ZodType;
  status: number;
  response?: z.ZodType;
  /** Refusals this route may answer, with what each means. */
  errors: Partial<Record<number, string>>;
};

type Input<S extends ApiRouteSpec> = {
  viewer: S['auth'] extends true ? Viewer : Viewer | null;
  params: S['params'] extends z.ZodType ? z.output<S['params']> : undefined;
  query: S['query'] extends z.ZodType ? z.output<S['query']> : undefined;
  body: S['body'] extends z.ZodType ? z.output<S['body']> : undefined;
};
type Output<S extends ApiRouteSpec> = S['response'] extends z.ZodType ? z.input<S['response']> : void;

export class ApiRoutes {
  readonly specs: ApiRouteSpec[] = [];

  /** `prefix`: the scope's own prefix, which spec URLs (full paths, as documented) start with. */
  constructor(private readonly prefix: string) {}

  /** The handler answers the response's value, or a JSON text made once (prepareJson) and kept with a view's reading. */
  add<const S extends ApiRouteSpec>(scope: FastifyInstance, spec: S, handler: (input: Input<S>, request: FastifyRequest, reply: FastifyReply) => Promise<Output<S> | PreparedAnswer>): void {
    this.specs.push(spec);
    scope.route({
      method: spec.method,
      url: spec.url.slice(this.prefix.length),
      handler: async (request, reply) => {
        if (spec.auth && !request.viewer) throw new WebError(401, 'unauthenticated', 'sign in (session cookie) or send Authorization: Bearer <API token>');
        const params = spec.params?.safeParse(request.params);
        // A malformed id names nothing that exists: the same 404 as someone else's id.
        if (params && !params.success) throw new WebError(404, 'not_found', 'no such resource');
        const query = spec.query?.safeParse(request.query ?? {});
        if (query && !query.success) throw new WebError(422, 'invalid_input', issues(query.error, 'query'));
        const body = spec.body?.safeParse(request.body ?? {});
        if (body && !body.success) throw new WebError(422, 'invalid_input', issues(body.error, 'body'));
        const input = { viewer: request.viewer, params: params?.data, query: query?.data, body: body?.data } as Input<S>;
        const result = await handler(input, request, reply);
        reply.code(spec.status);
        if (result instanceof PreparedAnswer) return sendPrepared(request, reply.type('application/json; charset=utf-8'), result, 'Authorization, Cookie');
        return spec.response ? reply.send(spec.response.parse(result)) : reply.send();
      },
    });
  }
}

/** A response checked against its schema and written as JSON once, to be sent to many views. */
export function prepareJson<T extends z.ZodType>(schema: T, value: z.input<T>): PreparedAnswer {
  return new PreparedAnswer(JSON.stringify(schema.parse(value)));
}

function issues(error: z.ZodError, whole: string): string {
  return error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
}
