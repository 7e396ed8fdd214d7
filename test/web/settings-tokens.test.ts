import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfOf, visibleText } from './settings-support.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';

/** API tokens on /settings: created with a name, the secret shown in that answer only, listed, revoked; someone else's stays theirs. */
describe('settings: API tokens', () => {
  let w: WebWorld;
  let seq = 0;
  const nextId = () => `T3:U${++seq}TOK`;
  beforeAll(async () => { w = await createWebWorld(); });
  afterAll(async () => { await w?.close(); });

  const meWith = (token: string) => w.browser().json('GET', '/api/v1/me', undefined, { authorization: `Bearer ${token}` });

  it('a token made on the page is shown once, works as Bearer, and once revoked on the page its scripts get 401', async () => {
    const { browser } = await w.signedIn('slack', nextId());
    const csrf = csrfOf(await browser.get('/settings'));
    const created = await browser.postForm('/settings/tokens', { _csrf: csrf, name: 'backup <script>' });
    expect(created.status).toBe(201);
    const token = /id="new-token" readonly value="(fh_[A-Za-z0-9_-]{43})"/.exec(created.body)?.[1];
    expect(token).toBeDefined();
    expect(visibleText(created)).toContain('Your new token "backup <script>". Copy it now: it is shown this once and never again.');
    expect(created.body).not.toContain('<script>');
    expect(created.headers['cache-control']).toBe('no-store');

    const later = await browser.get('/settings');
    expect(later.body).not.toContain(token);
    expect(visibleText(later)).toContain('backup <script>');
    expect(later.body).toContain('>Revoke backup &lt;script&gt;</button>');
    expect((await meWith(token!)).status).toBe(200);
    expect(visibleText(await browser.get('/settings'))).toMatch(/backup <script> \w{3} \d{1,2}, \d{4} \w{3} \d{1,2}, \d{4}/);

    const id = /action="\/settings\/tokens\/(\d+)\/revoke"/.exec(later.body)![1];
    const revoked = await browser.postForm(`/settings/tokens/${id}/revoke`, { _csrf: csrf });
    expect(revoked.status).toBe(303);
    expect(revoked.headers.location).toBe('/settings?done=revoked#tokens');
    expect(visibleText(await browser.get('/settings?done=revoked'))).toContain('The token is revoked');
    expect((await meWith(token!)).status).toBe(401);
    expect(await w.count(`api_tokens WHERE id = ${Number(id)}`)).toBe(0);
  });

  it('refusals: no name (422), no CSRF token (403), someone else\'s token (404): nothing made, nothing revoked', async () => {
    const mine = await w.signedIn('slack', nextId());
    const theirs = await w.signedIn('slack', nextId());
    const csrf = csrfOf(await mine.browser.get('/settings'));
    const before = await w.count('api_tokens');
    const unnamed = await mine.browser.postForm('/settings/tokens', { _csrf: csrf, name: '   ' });
    expect(unnamed.status).toBe(422);
    expect(visibleText(unnamed)).toContain('Nothing was changed: Give the token a name');
    expect((await mine.browser.postForm('/settings/tokens', { name: 'no csrf' })).status).toBe(403);
    expect(await w.count('api_tokens')).toBe(before);

    const theirCsrf = csrfOf(await theirs.browser.get('/settings'));
    const made = await theirs.browser.postForm('/settings/tokens', { _csrf: theirCsrf, name: 'theirs' });
    const token = /value="(fh_[^"]+)"/.exec(made.body)![1]!;
    const [row] = await w.db.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM api_tokens WHERE user_id = $1`, theirs.userId);
    const stolen = await mine.browser.postForm(`/settings/tokens/${row!.id}/revoke`, { _csrf: csrf });
    expect(stolen.status).toBe(404);
    expect(visibleText(stolen)).toContain('You have no such token.');
    expect((await mine.browser.postForm('/settings/tokens/not-a-number/revoke', { _csrf: csrf })).status).toBe(404);
    expect((await meWith(token)).status).toBe(200);
  });

  it('in French', async () => {
    const { browser } = await w.signedIn('slack', nextId(), 'fr');
    const csrf = csrfOf(await browser.get('/settings'));
    const created = await browser.postForm('/settings/tokens', { _csrf: csrf, name: 'sauvegarde' });
    expect(visibleText(created)).toContain('Votre nouveau jeton « sauvegarde ». Copiez-le maintenant');
    expect(created.body).toContain('<button type="submit">Créer le jeton</button>');
  });
});
