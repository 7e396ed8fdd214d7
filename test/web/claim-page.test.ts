import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebWorld, type WebWorld } from './support/web-world.js';

/** `/claim/<platform>/<id>`: what waits for an unclaimed identity and how to collect it; a 404 that says why otherwise. */
describe('the public claim page', () => {
  let w: WebWorld;
  beforeAll(async () => {
    w = await createWebWorld({ env: { DISCORD_TOKEN: 'bot-token', DISCORD_APPLICATION_ID: '775799577604522054', DISCORD_CLIENT_SECRET: 'discord-secret', DISCORD_API_URL: 'http://127.0.0.1:9/api' } });
  });
  afterAll(async () => { await w?.close(); });

  it('shows the total waiting and until when, with a way to collect, and never who paid', async () => {
    await w.escrow('discord', '80351110224678777', 630n, 'T9:U9GENEROUS');
    await w.escrow('discord', '80351110224678777', 1200n, 'T9:U9KIND');
    const res = await w.browser().get('/claim/discord/80351110224678777');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('<h1>Money is waiting for 80351110224678777 (Discord)</h1>');
    expect(res.body).toContain('<p class="amount">€18.30</p>');
    const held = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.now() + 90 * 86_400_000));
    expect(res.body).toContain(`It is held until ${held}; after that it goes back to the supporters.`);
    expect(res.body).toContain('<a class="button" href="/auth/discord">Sign in with Discord</a>');
    expect(res.body).toContain('type <code>/flattr join</code>.');
    expect(res.body).not.toMatch(/GENEROUS|KIND|U9/);
  });

  it('speaks French to a French browser', async () => {
    await w.escrow('slack', 'T3:U3CREATOR', 450n);
    const res = await w.browser('fr-CH, fr;q=0.9, en;q=0.8').get('/claim/slack/T3:U3CREATOR');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="fr">');
    expect(res.body).toContain('<p class="amount">4,50\u00a0€</p>');
    expect(res.body).toContain('De l’argent attend T3:U3CREATOR (Slack)');
    // Slack sign-in is not configured on this hub: chat is the way.
    expect(res.body).not.toContain('/auth/slack');
    expect(res.body).toContain('tapez <code>/flattr join</code>.');
  });

  it('an X creator, who has no chat, is told sign-in with X is not set up on a hub without it', async () => {
    await w.escrow('twitter', '2244994945', 100n);
    const res = await w.browser().get('/claim/twitter/2244994945');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Sign-in with X is not set up on this hub: ask its operator.');
    expect(res.body).not.toContain('/flattr join');
  });

  it('a claimed identity is a 404 that says it is claimed; nothing waiting or no such id is a 404 too', async () => {
    await w.escrow('slack', 'T3:U3CLAIMED', 300n);
    await w.userWithLink('slack', 'T3:U3CLAIMED');
    const claimed = await w.browser().get('/claim/slack/T3:U3CLAIMED');
    expect(claimed.status).toBe(404);
    expect(claimed.body).toContain('This account is already claimed');
    expect(claimed.body).not.toContain('€3.00');
    for (const path of ['/claim/slack/T3:U3NOBODY', '/claim/slack/not-an-id', '/claim/myspace/T3:U3CLAIMED', '/claim/slack/%3Cb%3E']) {
      const res = await w.browser().get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('<b>');
    }
    expect((await w.browser().get('/claim/slack/T3:U3NOBODY')).body).toContain('Nothing is waiting for this account');
  });
});
