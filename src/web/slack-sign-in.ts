import { z } from 'zod';
import { parseExternalId } from '../domain/external-id.js';
import { OAuthError, oauthFetch, type OAuthProvider } from './oauth-provider.js';

const tokenSchema = z.object({ ok: z.boolean(), error: z.string().optional(), access_token: z.string().optional() });
const userInfoSchema = z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  'https://slack.com/team_id': z.string().optional(),
  'https://slack.com/user_id': z.string().optional(),
});

/**
 * Sign in with Slack (OpenID Connect,
 * https://docs.slack.dev/authentication/sign-in-with-slack): the code is
 * exchanged at openid.connect.token, and openid.connect.userInfo, called with
 * the token Slack just gave us over TLS, names the workspace and user. That
 * answer is the platform's own, so the id_token's signature need not be
 * checked. `apiUrl` is SLACK_API_URL (…/api/); the authorize page sits beside
 * it at /openid/connect/authorize.
 */
export function createSlackSignIn(o: { clientId: string; clientSecret: string; apiUrl?: string }): OAuthProvider {
  const api = (o.apiUrl ?? 'https://slack.com/api/').replace(/\/?$/, '/');
  return {
    platform: 'slack',
    authorizeUrl(state, redirectUri) {
      const url = new URL('../openid/connect/authorize', api);
      url.search = new URLSearchParams({ response_type: 'code', scope: 'openid', client_id: o.clientId, state, redirect_uri: redirectUri }).toString();
      return url.toString();
    },
    async identify(code, redirectUri) {
      const tokenResponse = await oauthFetch(`${api}openid.connect.token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: o.clientId, client_secret: o.clientSecret, code, redirect_uri: redirectUri, grant_type: 'authorization_code' }),
      });
      // Slack answers its refusals with HTTP 200 and ok: false; any other status is Slack in trouble (5xx, 429).
      const token = tokenSchema.safeParse(await json(tokenResponse));
      if (tokenResponse.status !== 200 || !token.success) throw new OAuthError('unreachable', `openid.connect.token answered HTTP ${tokenResponse.status}`);
      if (!token.data.ok || !token.data.access_token) throw new OAuthError('rejected', token.data.error ?? 'no access_token');
      const infoResponse = await oauthFetch(`${api}openid.connect.userInfo`, {
        method: 'POST', headers: { authorization: `Bearer ${token.data.access_token}` },
      });
      const info = userInfoSchema.safeParse(await json(infoResponse));
      if (infoResponse.status !== 200 || !info.success) throw new OAuthError('unreachable', `openid.connect.userInfo answered HTTP ${infoResponse.status}`);
      const team = info.data['https://slack.com/team_id'];
      const user = info.data['https://slack.com/user_id'];
      if (!info.data.ok || !team || !user) throw new OAuthError('rejected', info.data.error ?? 'no team or user id');
      return parseExternalId('slack', `${team}:${user}`);
    },
  };
}

async function json(response: Response): Promise<unknown> {
  return response.json().catch(() => undefined);
}
