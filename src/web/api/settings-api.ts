import type { FastifyInstance } from 'fastify';
import type { HistoryMonth } from '../../people/load-supporter-history.js';
import { loadHistoryMonths, loadHistoryRecipients } from '../../people/load-supporter-history.js';
import { loadWalletMovements } from '../../people/load-wallet-movements.js';
import { disconnectIdentity } from '../settings/disconnect-identity.js';
import { loadSettings } from '../settings/load-settings.js';
import { saveSettings } from '../settings/save-settings.js';
import { SettingsRefusal } from '../settings/settings-refusal.js';
import {
  historyListSchema, historyPeriodSchema, identityParamsSchema, periodParamsSchema, settingsChangeSchema, settingsSchema, walletQuerySchema, walletSchema,
} from '../settings/settings-schemas.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import type { ApiRoutes } from './api-route.js';
import { jsonMoney } from './json-money.js';

/** The settings, history and wallet pages' data and changes on /api/v1 (the same use cases as the pages). */
export function registerSettingsApi(scope: FastifyInstance, api: ApiRoutes, ctx: WebContext): void {
  api.add(scope, {
    method: 'GET', url: '/api/v1/settings', operationId: 'getSettings', auth: true, status: 200, response: settingsSchema,
    summary: 'What becomes a flattr (platforms, reactions, communities), the bot\'s messages, and your connected accounts', errors: { 401: 'not signed in' },
  }, async ({ viewer }) => loadSettings(ctx.db, viewer.userId));

  api.add(scope, {
    method: 'PUT', url: '/api/v1/settings', operationId: 'putSettings', auth: true, body: settingsChangeSchema, status: 200, response: settingsSchema,
    summary: 'Change some settings (what is absent stays); joins as a supporter like /flattr on does',
    errors: { 401: 'not signed in', 403: 'with a session: missing or wrong x-csrf-token', 422: 'a bad emoji or community id, a community both allowed and blocked, an unknown field; nothing changed' },
  }, async ({ viewer, body }) => {
    try {
      return await saveSettings(ctx.db, viewer.userId, body);
    } catch (error) {
      if (error instanceof SettingsRefusal) throw new WebError(422, 'invalid_input', error.message);
      throw error;
    }
  });

  api.add(scope, {
    method: 'DELETE', url: '/api/v1/identities/:platform/:externalId', operationId: 'disconnectIdentity', auth: true, params: identityParamsSchema, status: 204,
    summary: 'Disconnect one of your platform accounts: it becomes unclaimed; what it earned stays in your balance',
    errors: {
      401: 'not signed in', 403: 'with a session: missing or wrong x-csrf-token', 404: 'no account of yours with this platform and id',
      409: 'your only account (code last_identity), or a settlement still crediting it to you (code identity_settling); nothing changed',
    },
  }, async ({ viewer, params }) => {
    const result = await disconnectIdentity(ctx.db, viewer.userId, params.platform, params.externalId, ctx.now());
    if (result.outcome === 'not_found') throw new WebError(404, 'not_found', 'no account of yours has this platform and id');
    if (result.outcome === 'last_identity') throw new WebError(409, 'last_identity', 'this is your only account, which you sign in with: connect another first');
    if (result.outcome === 'settling') throw new WebError(409, 'identity_settling', `the ${result.period} settlement still credits this account to you: try again once it is settled`);
  });

  api.add(scope, {
    method: 'GET', url: '/api/v1/history', operationId: 'getHistory', auth: true, status: 200, response: historyListSchema,
    summary: 'Your settled months as a supporter: budget, charged, fee, flattrs', errors: { 401: 'not signed in' },
  }, async ({ viewer }) => ({ months: (await loadHistoryMonths(ctx.db, viewer.userId)).map(monthJson) }));

  api.add(scope, {
    method: 'GET', url: '/api/v1/history/:period', operationId: 'getHistoryPeriod', auth: true, params: periodParamsSchema, status: 200, response: historyPeriodSchema,
    summary: 'One settled month: charged, fee and what each creator received from you', errors: { 401: 'not signed in', 404: 'no settled month of yours with this period' },
  }, async ({ viewer, params }) => {
    const [month] = await loadHistoryMonths(ctx.db, viewer.userId, params.period);
    if (!month) throw new WebError(404, 'not_found', `no settled month ${params.period} of yours`);
    const recipients = await loadHistoryRecipients(ctx.db, viewer.userId, [params.period]);
    return {
      ...monthJson(month),
      recipients: recipients.map((r) => ({
        platform: r.platform as 'slack', externalId: r.externalId, handle: r.handle, amount: jsonMoney({ minor: r.amount, currency: month.currency }), flattrs: r.flattrs, claimed: r.claimed,
      })),
    };
  });

  api.add(scope, {
    method: 'GET', url: '/api/v1/wallet', operationId: 'getWallet', auth: true, query: walletQuerySchema, status: 200, response: walletSchema,
    summary: 'Your wallet: balance per currency and its movements, newest first, a page at a time', errors: { 401: 'not signed in', 422: 'a bad before or limit' },
  }, async ({ viewer, query }) => {
    const page = await loadWalletMovements(ctx.db, viewer.userId, { before: query.before === undefined ? undefined : BigInt(query.before), limit: query.limit });
    return {
      balances: page.balances.map(jsonMoney),
      movements: page.movements.map((m) => ({ id: String(m.id), at: m.at.toISOString(), kind: m.kind, period: m.period, amount: jsonMoney(m.amount) })),
      next: page.next === null ? null : String(page.next),
    };
  });
}

function monthJson(m: HistoryMonth) {
  const money = (minor: bigint) => jsonMoney({ minor, currency: m.currency });
  return { period: m.period, currency: m.currency, budget: money(m.budget), charged: money(m.charged), fee: money(m.fee), flattrs: m.flattrs, settledAt: m.settledAt.toISOString() };
}
