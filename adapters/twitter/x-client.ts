import { Agent as HttpAgent } from 'node:http';
import { TwitterApi, type ITwitterApiClientPlugin, type TwitterApiTokens } from 'twitter-api-v2';

/** TWITTER_API_URL and the app's credentials, as config.ts reads them. */
export type XClientSettings = { apiUrl?: string; clientId?: string; clientSecret?: string };

/** The hosts twitter-api-v2 has written into its code; TWITTER_API_URL stands in for every one of them. */
const X_HOSTS = new Set(['api.x.com', 'x.com', 'api.twitter.com', 'twitter.com', 'upload.x.com', 'upload.twitter.com']);

/** One plain-HTTP agent for every client pointed at a local fake (the library opens https otherwise). */
let plainAgent: HttpAgent | undefined;

/**
 * twitter-api-v2 has no base-URL setting: its hosts are constants. With
 * TWITTER_API_URL set (tests, local demos) a plugin rewrites each request's
 * scheme, host and port and keeps the path, since the `/2/` prefix is what
 * decides JSON bodies (docs/architecture.md; PLATFORMS.md, X).
 */
function redirectPlugin(apiUrl: string): ITwitterApiClientPlugin {
  const base = new URL(apiUrl);
  const rewrite = (params: { url: string }) => {
    const url = new URL(params.url.startsWith('http') ? params.url : `https://${params.url}`);
    if (!X_HOSTS.has(url.hostname)) return;
    url.protocol = base.protocol;
    url.host = base.host;
    params.url = url.toString();
  };
  return {
    onBeforeRequestConfig: ({ params }) => void rewrite(params),
    onBeforeStreamRequestConfig: ({ params }) => void rewrite(params),
  };
}

/**
 * A twitter-api-v2 client: with a string, a Bearer token (a user's OAuth 2.0
 * access token or the app's bearer token); with the settings' client id and
 * secret, the OAuth 2.0 client that exchanges codes and refresh tokens.
 */
export function xClient(settings: XClientSettings, auth?: string): TwitterApi {
  const redirected = settings.apiUrl ? new URL(settings.apiUrl).protocol === 'http:' : false;
  const clientSettings = {
    plugins: settings.apiUrl ? [redirectPlugin(settings.apiUrl)] : [],
    ...(redirected ? { httpAgent: (plainAgent ??= new HttpAgent({ keepAlive: false })) } : {}),
  };
  const tokens: string | TwitterApiTokens | { clientId: string; clientSecret?: string } = auth ?? { clientId: settings.clientId ?? '', clientSecret: settings.clientSecret };
  return new TwitterApi(tokens as string, clientSettings);
}

/** The authorize page's address: X's own, or the fake's under TWITTER_API_URL. */
export function authorizePageUrl(settings: XClientSettings): URL {
  return new URL('/i/oauth2/authorize', settings.apiUrl ?? 'https://x.com');
}
