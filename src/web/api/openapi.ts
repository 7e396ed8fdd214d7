import { z } from 'zod';
import type { ApiRouteSpec } from './api-route.js';
import { errorSchema } from './schemas.js';

/**
 * The OpenAPI 3.1 document of the JSON API, generated from the same zod
 * schemas the routes parse their input and answers with (z.toJSONSchema
 * emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
export function openApiDocument(specs: ApiRouteSpec[], publicUrl: string): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [spec.status]: spec.response
        ? { description: 'OK', content: { 'application/json': { schema: schema(spec.response, 'output') } } }
        : { description: 'Done; no content' },
    };
    for (const [status, description] of Object.entries(spec.errors)) {
      responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    (paths[path] ??= {})[spec.method.toLowerCase()] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.auth ? {} : { security: [] }),
      ...(spec.params || spec.query ? { parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')] } : {}),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(spec.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'flattr-hub API', version: '1',
      description: 'Errors are { "error": { "code", "message" } }. With a session cookie, every POST and DELETE needs the x-csrf-token header (GET /api/v1/me gives it); with an API token it does not.',
    },
    servers: [{ url: publicUrl }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API token from POST /api/v1/tokens' },
        session: { type: 'apiKey', in: 'cookie', name: 'flattr_session', description: 'the browser session (named __Host-flattr_session under https)' },
      },
      schemas: { Error: schema(errorSchema, 'output') },
    },
    paths,
  };
}

function parameters(object: z.ZodObject | undefined, where: 'path' | 'query'): object[] {
  return Object.entries(object?.shape ?? {}).map(([name, s]) => ({
    name, in: where, required: where === 'path' || !(s as z.ZodType).safeParse(undefined).success, schema: schema(s as z.ZodType, 'input'),
  }));
}

function schema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}
