/** One HTTP exchange as a browser sees it (no redirect followed). */
export type Exchange = { status: number; headers: Record<string, string | string[] | number | undefined>; body: string };
export type Send = (request: { method: string; url: string; headers: Record<string, string>; body?: string }) => Promise<Exchange>;

type StoredCookie = { value: string; path: string };

/**
 * A browser's cookie jar over any transport (fastify inject or real HTTP):
 * keeps what Set-Cookie says (Max-Age=0 or a past Expires deletes), sends the
 * cookies whose Path matches, and follows nothing by itself, so tests see
 * every redirect. `language` is its Accept-Language.
 */
export class Browser {
  readonly cookies = new Map<string, StoredCookie>();

  /** `ip`: the client address the server sees (fastify inject's remoteAddress, through the world's transport). */
  constructor(private readonly send: Send, private readonly language = 'en', private readonly ip?: string) {}

  get(url: string, headers: Record<string, string> = {}): Promise<Exchange> {
    return this.request('GET', url, undefined, headers);
  }

  /** An HTML form post (url-encoded). */
  postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Exchange> {
    return this.request('POST', url, new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers });
  }

  /** A script's JSON call through this browser's cookies. */
  json(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Exchange> {
    return this.request(method, url, body === undefined ? undefined : JSON.stringify(body), { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  }

  async request(method: string, url: string, body: string | undefined, headers: Record<string, string>): Promise<Exchange> {
    const path = new URL(url, 'http://x').pathname;
    const cookie = [...this.cookies].filter(([, c]) => path.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`).join('; ');
    const response = await this.send({ method, url, body, headers: { 'accept-language': this.language, ...(this.ip ? { 'x-test-ip': this.ip } : {}), ...(cookie ? { cookie } : {}), ...headers } });
    const setCookies = response.headers['set-cookie'];
    for (const line of Array.isArray(setCookies) ? setCookies : setCookies ? [String(setCookies)] : []) this.store(line);
    return response;
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const attr = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const maxAge = attr('max-age');
    const expires = attr('expires');
    const gone = value === '' || (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && new Date(expires).getTime() <= Date.now());
    if (gone) this.cookies.delete(name);
    else this.cookies.set(name, { value, path: attr('path') ?? '/' });
  }
}

/** Real HTTP to a listening hub. */
export function httpSend(baseUrl: string): Send {
  return async ({ method, url, headers, body }) => {
    const response = await fetch(new URL(url, baseUrl), { method, headers, body, redirect: 'manual' });
    const out: Exchange['headers'] = {};
    response.headers.forEach((value, key) => { out[key] = value; });
    out['set-cookie'] = response.headers.getSetCookie();
    return { status: response.status, headers: out, body: await response.text() };
  };
}
