import type { FakeRestState, RecordedRequest } from './rest.js';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Route = { method: string; pattern: RegExp; handle(match: string[], request: RecordedRequest): Reply };
type Grant = { userId: string; username: string; redirectUri: string };

/** The fake application's OAuth2 client and who is signed in at the fake Discord, per fake. */
export type DiscordOAuth = {
  clientId: string;
  clientSecret: string;
  codes: Map<string, Grant>;
  tokens: Map<string, Grant>;
  /** The person the authorize page signs in; undefined: they click Cancel. */
  signedIn?: { userId: string; username: string };
};

const states = new WeakMap<FakeRestState, DiscordOAuth>();

/** This fake's OAuth side (made on first use): set `signedIn`, or grant codes, from a test. */
export function discordOAuth(state: FakeRestState): DiscordOAuth {
  let oauth = states.get(state);
  if (!oauth) states.set(state, (oauth = { clientId: '775799577604522054', clientSecret: 'fake-discord-client-secret', codes: new Map(), tokens: new Map() }));
  return oauth;
}

/**
 * OAuth2 on the fake Discord, as https://discord.com/developers/docs/topics/oauth2
 * documents it: the authorize page (/oauth2/authorize, outside /api) sends the
 * browser straight back with a code; POST /api/v10/oauth2/token takes the code
 * once (form body, client id and secret as Basic auth); GET /api/v10/users/@me
 * with the Bearer token answers the user.
 */
export function createDiscordOAuthRoutes(state: FakeRestState): Route[] {
  let seq = 0;
  return [
    { method: 'GET', pattern: /^\/oauth2\/authorize$/, handle: (_m, r) => {
      const oauth = discordOAuth(state);
      const redirectUri = r.query.get('redirect_uri');
      if (!redirectUri || r.query.get('client_id') !== oauth.clientId || r.query.get('response_type') !== 'code') {
        return { status: 400, body: { message: 'Invalid OAuth2 request', code: 50035 } };
      }
      const back = new URL(redirectUri);
      if (oauth.signedIn) {
        const code = `fakecode${++seq}${Date.now()}`;
        oauth.codes.set(code, { ...oauth.signedIn, redirectUri });
        back.searchParams.set('code', code);
      } else {
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_description', 'The resource owner or authorization server denied the request');
      }
      const s = r.query.get('state');
      if (s !== null) back.searchParams.set('state', s);
      return { status: 302, headers: { location: back.toString() } };
    } },
    { method: 'POST', pattern: /^\/oauth2\/token$/, handle: (_m, r) => {
      const oauth = discordOAuth(state);
      const form = new URLSearchParams(typeof r.body === 'string' ? r.body : '');
      const basic = Buffer.from((r.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
      if (basic !== `${oauth.clientId}:${oauth.clientSecret}`) return { status: 401, body: { error: 'invalid_client' } };
      const code = form.get('code') ?? '';
      const grant = form.get('grant_type') === 'authorization_code' ? oauth.codes.get(code) : undefined;
      oauth.codes.delete(code);
      if (!grant || form.get('redirect_uri') !== grant.redirectUri) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid "code" in request.' } };
      const accessToken = `fakeaccess${++seq}`;
      oauth.tokens.set(accessToken, grant);
      return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: 604800, refresh_token: `fakerefresh${seq}`, scope: 'identify' } };
    } },
    { method: 'GET', pattern: /^\/users\/@me$/, handle: (_m, r) => {
      const grant = discordOAuth(state).tokens.get((r.authorization ?? '').replace(/^Bearer /, ''));
      if (!grant) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      return { status: 200, body: {
        id: grant.userId, username: grant.username, discriminator: '0', global_name: grant.username, avatar: null,
        public_flags: 0, flags: 0, banner: null, accent_color: null, mfa_enabled: false, locale: 'en-US', premium_type: 0,
      } };
    } },
  ];
}

/** OAuth requests carry their own credentials (Basic client auth, a user's Bearer token), not the bot's. */
export function isOAuthRequest(request: RecordedRequest): boolean {
  return /^\/oauth2\//.test(request.path) || (request.path === '/users/@me' && (request.authorization ?? '').startsWith('Bearer '));
}
