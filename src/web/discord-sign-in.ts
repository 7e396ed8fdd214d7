import { z } from 'zod';
import { parseExternalId } from '../domain/external-id.js';
import { OAuthError, oauthFetch, type OAuthProvider } from './oauth-provider.js';

const tokenSchema = z.object({ access_token: z.string().optional(), error: z.string().optional() });
const userSchema = z.object({ id: z.string() });

/**
 * Sign in with Discord (OAuth 2.0, scope `identify`,
 * https://discord.com/developers/docs/topics/oauth2#authorization-code-grant):
 * the code is exchanged at POST /oauth2/token with the client id and secret as
 * Basic auth, then GET /users/@me names the user. `apiUrl` is DISCORD_API_URL
 * (…/api); the authorize page is at the site's /oauth2/authorize.
 */
export function createDiscordSignIn(o: { clientId: string; clientSecret: string; apiUrl?: string }): OAuthProvider {
  const api = `${(o.apiUrl ?? 'https://discord.com/api').replace(/\/+$/, '')}/v10`;
  const site = (o.apiUrl ?? 'https://discord.com/api').replace(/\/+$/, '').replace(/\/api$/, '');
  return {
    platform: 'discord',
    authorizeUrl(state, redirectUri) {
      const url = new URL(`${site}/oauth2/authorize`);
      // prompt=none: someone who already authorized the app is not asked again.
      url.search = new URLSearchParams({ response_type: 'code', client_id: o.clientId, scope: 'identify', state, redirect_uri: redirectUri, prompt: 'none' }).toString();
      return url.toString();
    },
    async identify(code, redirectUri) {
      const tokenResponse = await oauthFetch(`${api}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
      });
      if (tokenResponse.status >= 500) throw new OAuthError('unreachable', `oauth2/token answered HTTP ${tokenResponse.status}`);
      const token = tokenSchema.safeParse(await tokenResponse.json().catch(() => undefined));
      if (!tokenResponse.ok || !token.success || !token.data.access_token) {
        throw new OAuthError('rejected', (token.success && token.data.error) || `oauth2/token answered HTTP ${tokenResponse.status}`);
      }
      const meResponse = await oauthFetch(`${api}/users/@me`, { headers: { authorization: `Bearer ${token.data.access_token}` } });
      const me = userSchema.safeParse(await meResponse.json().catch(() => undefined));
      if (!meResponse.ok || !me.success) throw new OAuthError(meResponse.status >= 500 ? 'unreachable' : 'rejected', `users/@me answered HTTP ${meResponse.status}`);
      return parseExternalId('discord', me.data.id);
    },
  };
}
