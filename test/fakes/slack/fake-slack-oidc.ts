import type { IncomingMessage, ServerResponse } from 'node:http';

type Grant = { team: string; user: string; redirectUri?: string };
type Answer = Record<string, unknown>;

/**
 * "Sign in with Slack" (OpenID Connect) on the fake Slack: the authorize page
 * (https://slack.com/openid/connect/authorize, beside the Web API's /api/),
 * openid.connect.token and openid.connect.userInfo, answering the payloads of
 * https://docs.slack.dev/authentication/sign-in-with-slack. A code works once.
 * The browser's person at Slack is whoever `signInAs` names; with nobody
 * named, the authorize page answers as a person who clicked Cancel.
 */
export function createSlackOidc() {
  const app = { clientId: 'fake-slack-client-id', clientSecret: 'fake-slack-client-secret' };
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, Grant>();
  let signedIn: { team: string; user: string } | undefined;
  let seq = 0;

  const methods: Record<string, (p: Answer, token: string | undefined) => Answer> = {
    'openid.connect.token': (p) => {
      const code = String(p.code ?? '');
      const grant = codes.get(code);
      if (!grant) return { ok: false, error: 'invalid_code' };
      codes.delete(code);
      if (p.client_id !== app.clientId) return { ok: false, error: 'invalid_client_id' };
      if (p.client_secret !== app.clientSecret) return { ok: false, error: 'bad_client_secret' };
      if (grant.redirectUri !== undefined && p.redirect_uri !== grant.redirectUri) return { ok: false, error: 'bad_redirect_uri' };
      const accessToken = `xoxp-oidc-${++seq}-fake`;
      tokens.set(accessToken, grant);
      return { access_token: accessToken, token_type: 'Bearer', id_token: idToken(grant, app.clientId), refresh_token: `xoxe-1-fake-${seq}`, expires_in: 43200 };
    },
    'openid.connect.userInfo': (_p, token) => {
      const grant = token ? tokens.get(token) : undefined;
      if (!grant) return { ok: false, error: 'invalid_auth' };
      return {
        sub: grant.user, 'https://slack.com/user_id': grant.user, 'https://slack.com/team_id': grant.team,
        email: `${grant.user.toLowerCase()}@example.com`, email_verified: true, date_email_verified: 1622128723,
        name: grant.user.toLowerCase(), given_name: grant.user, family_name: '', locale: 'en-US',
        'https://slack.com/team_name': `Workspace ${grant.team}`, 'https://slack.com/team_domain': grant.team.toLowerCase(),
      };
    },
  };

  /** GET /openid/connect/authorize: straight back to redirect_uri with a code (or access_denied) and the state. */
  function authorize(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', 'http://fake').searchParams;
    const redirectUri = query.get('redirect_uri');
    if (!redirectUri || query.get('client_id') !== app.clientId || !(query.get('scope') ?? '').split(' ').includes('openid')) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return void res.end('invalid authorize request');
    }
    const back = new URL(redirectUri);
    if (signedIn) {
      const code = `${++seq}.${Date.now()}.fakeoidc${seq}`;
      codes.set(code, { ...signedIn, redirectUri });
      back.searchParams.set('code', code);
    } else {
      back.searchParams.set('error', 'access_denied');
    }
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  return {
    methods, authorize, app,
    /** Who the authorize page signs in from now on (undefined: the person cancels). */
    signInAs: (team: string | undefined, user?: string) => void (signedIn = team && user ? { team, user } : undefined),
    /** A code openid.connect.token exchanges once for this workspace user, as if Slack had just redirected with it. */
    grantSignInCode: (code: string, team: string, user: string, redirectUri?: string) => void codes.set(code, { team, user, redirectUri }),
  };
}

/** An id_token shaped like Slack's (a JWT whose claims are the userInfo's); the hub reads userInfo, not this. */
function idToken(grant: Grant, clientId: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return [
    part({ typ: 'JWT', alg: 'RS256', kid: 'fake' }),
    part({ iss: 'https://slack.com', sub: grant.user, aud: clientId, exp: now + 3600, iat: now, 'https://slack.com/team_id': grant.team, 'https://slack.com/user_id': grant.user }),
    'fake-signature',
  ].join('.');
}
