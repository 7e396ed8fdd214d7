import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../domain/like-event.js';
import { loadPersonMoney } from '../../people/load-person-money.js';
import { createApiToken, listApiTokens, revokeApiToken, type ApiTokenView } from '../api-tokens.js';
import { loadAccount } from '../load-account.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { ApiRoutes } from './api-route.js';
import { registerCreatorAdminApi } from './creator-admin-api.js';
import type { ChatPayments } from '../../payments/chat-payments.js';
import { registerPayoutsApi } from '../../payments/payouts/web/payouts-api.js';
import { registerTopupsApi } from '../../payments/topups/web/topups-api.js';
import { registerMonthApi } from './month-api.js';
import { openApiDocument } from './openapi.js';
import { registerSettingsApi } from './settings-api.js';
import { apiTokenListSchema, createdApiTokenSchema, meSchema, newApiTokenSchema, tokenIdSchema } from './schemas.js';
import { jsonMoney } from './json-money.js';

/**
 * `/api/v1/…`: the JSON API (session cookie or `Authorization: Bearer`), and its OpenAPI document.
 * `payments`: what top-ups may do, when Stripe is configured (made where the Stripe SDK may load).
 */
export function registerApiRoutes(parent: FastifyInstance, ctx: WebContext, options: { payments?: ChatPayments } = {}): void {
  void parent.register(async (scope) => {
    // An unknown API path answers in the API's error shape, not as a page.
    scope.setNotFoundHandler(async (request) => {
      throw new WebError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}: see /api/v1/openapi.json`);
    });
    registerRoutes(scope, ctx, options.payments);
  }, { prefix: '/api/v1' });
}

function registerRoutes(scope: FastifyInstance, ctx: WebContext, payments: ChatPayments | undefined): void {
  const api = new ApiRoutes('/api/v1');

  api.add(scope, {
    method: 'GET', url: '/api/v1/me', operationId: 'getMe', auth: true, status: 200, response: meSchema,
    summary: "The signed-in user: platform accounts, and money both sides (supporter's budget and wallet, creator's balance and escrow waiting)",
    errors: { 401: 'no session and no valid API token' },
  }, async ({ viewer }) => {
    const account = await loadAccount(ctx.db, viewer.userId);
    const first = account.identities[0];
    const person = first ? await loadPersonMoney(ctx.db, first.platform as Platform, first.externalId, ctx.money.escrowHoldDays) : undefined;
    const s = person?.supporter;
    return {
      user: { id: account.userId, locale: account.locale, currency: account.currency },
      identities: account.identities.map((i) => ({ ...i, platform: i.platform as Platform })),
      supporter: s ? { ...s, budget: jsonMoney(s.budget), wallet: jsonMoney(s.wallet), owed: s.owed.map(jsonMoney) } : null,
      creator: {
        balances: (person?.creator.balances ?? []).map(jsonMoney),
        lastPeriod: person?.creator.lastPeriod ? { ...person.creator.lastPeriod, received: person.creator.lastPeriod.received.map(jsonMoney) } : null,
        escrow: (person?.creator.escrow ?? []).map((e) => ({
          identity: { ...e.identity, platform: e.identity.platform as Platform }, amount: jsonMoney(e.amount), returnsFrom: e.returnsFrom.toISOString(),
        })),
      },
      auth: viewer.via === 'session' ? { via: 'session' as const, csrfToken: viewer.csrfToken } : { via: 'token' as const },
    };
  });

  api.add(scope, {
    method: 'GET', url: '/api/v1/tokens', operationId: 'listTokens', auth: true, status: 200, response: apiTokenListSchema,
    summary: "The signed-in user's API tokens (never their secrets)", errors: { 401: 'not signed in' },
  }, async ({ viewer }) => ({ tokens: (await listApiTokens(ctx.db, viewer.userId)).map(tokenView) }));

  api.add(scope, {
    method: 'POST', url: '/api/v1/tokens', operationId: 'createToken', auth: true, body: newApiTokenSchema, status: 201, response: createdApiTokenSchema,
    summary: 'A new API token for scripts (Authorization: Bearer); its secret is in this answer only',
    errors: { 401: 'not signed in', 403: 'with a session: missing or wrong x-csrf-token', 422: 'no usable name' },
  }, async ({ viewer, body }) => {
    const created = await createApiToken(ctx.db, viewer.userId, body.name, ctx.now());
    return { ...tokenView(created), token: created.token };
  });

  api.add(scope, {
    method: 'DELETE', url: '/api/v1/tokens/:id', operationId: 'revokeToken', auth: true, params: tokenIdSchema, status: 204,
    summary: 'Revoke one of your API tokens: scripts using it get 401 from now on',
    errors: { 401: 'not signed in', 403: 'with a session: missing or wrong x-csrf-token', 404: 'no token of yours with this id' },
  }, async ({ viewer, params }) => {
    if (!(await revokeApiToken(ctx.db, viewer.userId, params.id))) throw new WebError(404, 'not_found', 'no API token of yours has this id');
  });

  registerSettingsApi(scope, api, ctx);

  registerCreatorAdminApi(scope, api, ctx);
  registerPayoutsApi(scope, api, ctx);
  registerTopupsApi(scope, api, ctx, payments);

  registerMonthApi(scope, api, ctx);

  // Built once all routes above are added: the document describes exactly them.
  const document = openApiDocument(api.specs, ctx.publicUrl);
  scope.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(document));
}

function tokenView(t: ApiTokenView) {
  return { id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null };
}
