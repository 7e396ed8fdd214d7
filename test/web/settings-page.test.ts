import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngest } from '../support/ingest-harness.js';
import { likeEvent } from '../support/world.js';
import { csrfOf, ingestLikes, visibleText } from './settings-support.js';
import type { Browser } from './support/browser.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';

type SettingsRow = { platforms: string[]; trigger_reactions: string[]; allow_communities: string[]; block_communities: string[]; statement_dms: boolean };

/**
 * /settings: each choice made on the page changes what the real ingest path
 * (the likes queue and its worker) then does with a like, and every refusal
 * is shown on the page with its status while nothing changes.
 */
describe('settings page', () => {
  let w: WebWorld;
  let ingest: Awaited<ReturnType<typeof startIngest>>;
  let seq = 0;
  const nextId = () => `T1:U${++seq}SET`;
  beforeAll(async () => {
    w = await createWebWorld();
    ingest = await startIngest(w.db, { now: () => w.clock.now });
  });
  afterAll(async () => {
    await ingest?.close();
    await w?.close();
  });

  const row = async (userId: number) => (await w.db.$queryRawUnsafe<SettingsRow[]>(
    `SELECT platforms, trigger_reactions, allow_communities, block_communities, statement_dms FROM supporter_settings WHERE user_id = $1`, userId))[0];
  /** A signed-in supporter (Slack on, default reactions) and the page's CSRF token. */
  async function supporterOnPage(language?: string) {
    const id = nextId();
    await w.supporter('slack', id, 0n);
    const { userId, browser } = await w.signedIn('slack', id, language);
    const page = await browser.get('/settings');
    expect(page.status).toBe(200);
    return { id, userId, browser, csrf: csrfOf(page), page };
  }
  const save = (browser: Browser, csrf: string, fields: Record<string, string>) =>
    browser.postForm('/settings', { _csrf: csrf, emoji_mode: 'default', ...fields });
  let item = 0;
  const like = (liker: string, more: Parameters<typeof likeEvent>[0] = {}) =>
    likeEvent({ liker, author: 'T1:U0AUTHOR', item: `T1:C1:${++item}.0`, occurredAt: new Date(w.clock.now.getTime() - 60_000).toISOString(), ...more });

  it('signed out: the page and its forms answer 401 and change nothing', async () => {
    const page = await w.browser().get('/settings');
    expect(page.status).toBe(401);
    expect(page.body).toContain('Please sign in');
    expect((await w.browser().postForm('/settings', { emoji_mode: 'any' })).status).toBe(401);
    expect((await w.browser().postForm('/settings/tokens', { name: 'x' })).status).toBe(401);
  });

  it('shows the current settings, every field with its label, in the navigation as Settings', async () => {
    const { page } = await supporterOnPage();
    expect(page.body).toContain('<a href="/settings" aria-current="page">Settings</a>');
    expect(page.body).toMatch(/<input type="checkbox" id="platform\.slack" name="platform\.slack" checked><label for="platform\.slack">Count my likes on Slack<\/label>/);
    expect(page.body).toMatch(/<input type="checkbox" id="platform\.discord" name="platform\.discord"><label/);
    expect(page.body).toMatch(/id="emoji-default" name="emoji_mode" value="default" checked/);
    // The community of the supporter's own Slack account is offered without typing its id.
    expect(page.body).toContain('id="allow.T1"');
    for (const id of [...page.body.matchAll(/<input type="(?:text|checkbox|radio)" id="([^"]+)"/g)].map((m) => m[1])) {
      expect(page.body, `label for ${id}`).toContain(`<label for="${id}">`);
    }
    expect(page.body).toContain('<button type="submit">Save settings</button>');
  });

  it('the navigation shows the Operator link to a user marked admin, on settings, history and wallet alike', async () => {
    const { userId, browser } = await supporterOnPage();
    for (const path of ['/settings', '/history', '/wallet']) expect((await browser.get(path)).body, path).not.toContain('href="/admin"');
    await w.db.$executeRawUnsafe(`UPDATE users SET admin = true WHERE id = $1`, userId);
    for (const path of ['/settings', '/history', '/wallet']) expect((await browser.get(path)).body, path).toContain('<a href="/admin">Operator</a>');
  });

  it('a platform turned off on the page makes a like there ignored (platform_off); turned on, it is a flattr', async () => {
    const { id, userId, browser, csrf } = await supporterOnPage();
    const off = await save(browser, csrf, {});
    expect(off.status).toBe(303);
    expect(off.headers.location).toBe('/settings?done=saved');
    expect((await row(userId))!.platforms).toEqual([]);
    expect((await ingestLikes(ingest, [like(id)])).ignored).toEqual({ platform_off: 1 });
    expect(visibleText(await browser.get('/settings?done=saved'))).toContain('Your settings are saved.');

    await save(browser, csrf, { 'platform.slack': 'on', 'platform.discord': 'on' });
    expect((await row(userId))!.platforms).toEqual(['discord', 'slack']);
    expect((await ingestLikes(ingest, [like(id)])).accepted).toBe(1);
  });

  it('the reactions chosen decide which reactions flattr: only these, then any', async () => {
    const { id, browser, csrf } = await supporterOnPage();
    await save(browser, csrf, { 'platform.slack': 'on', emoji_mode: 'custom', emoji: 'tada :fire: 🔥' });
    const custom = await ingestLikes(ingest, [like(id, { reaction: 'star' }), like(id, { reaction: 'tada' }), like(id, { reaction: 'fire' })]);
    expect(custom).toMatchObject({ accepted: 2, ignored: { not_trigger: 1 } });
    expect((await browser.get('/settings')).body).toContain('name="emoji" value="tada fire 🔥"');

    await save(browser, csrf, { 'platform.slack': 'on', emoji_mode: 'any' });
    expect((await ingestLikes(ingest, [like(id, { reaction: 'joy' })])).accepted).toBe(1);
    await save(browser, csrf, { 'platform.slack': 'on', emoji_mode: 'default' });
    expect((await ingestLikes(ingest, [like(id, { reaction: 'joy' })])).ignored).toEqual({ not_trigger: 1 });
  });

  it('a blocked community is ignored (community_blocked); with an allow list, only allowed ones count', async () => {
    const { id, userId, browser, csrf } = await supporterOnPage();
    await save(browser, csrf, { 'platform.slack': 'on', block_more: 'T7BLOCK' });
    expect((await row(userId))!.block_communities).toEqual(['T7BLOCK']);
    const blocked = await ingestLikes(ingest, [like(id, { community: 'T7BLOCK', item: 'T7BLOCK:C1:1.0' }), like(id)]);
    expect(blocked).toMatchObject({ accepted: 1, ignored: { community_blocked: 1 } });
    // The typed id is offered as a ticked box from now on, so saving again keeps it.
    expect((await browser.get('/settings')).body).toContain('<input type="checkbox" id="block.T7BLOCK" name="block.T7BLOCK" checked>');

    await save(browser, csrf, { 'platform.slack': 'on', 'allow.T1': 'on' });
    expect(await row(userId)).toMatchObject({ allow_communities: ['T1'], block_communities: [] });
    const allowed = await ingestLikes(ingest, [like(id, { community: 'T8', item: 'T8:C1:1.0' }), like(id), like(id, { community: 'T7BLOCK', item: 'T7BLOCK:C1:2.0' })]);
    // Unblocked, T7BLOCK is still outside the allow list.
    expect(allowed).toMatchObject({ accepted: 1, ignored: { community_not_allowed: 2 } });
  });

  it('statement DMs and mentions follow their boxes, through the chat commands\' use cases', async () => {
    const { userId, browser, csrf } = await supporterOnPage();
    await save(browser, csrf, { 'platform.slack': 'on' });
    const [off] = await w.db.$queryRawUnsafe<{ statement_dms: boolean; statements_opted_in: boolean; mentions: boolean }[]>(
      `SELECT s.statement_dms, s.statements_opted_in, i.mentions FROM supporter_settings s JOIN identities i ON i.user_id = s.user_id WHERE s.user_id = $1`, userId);
    expect(off).toEqual({ statement_dms: false, statements_opted_in: false, mentions: false });
    const page = await browser.get('/settings');
    expect(page.body).toContain('<input type="checkbox" id="statement" name="statement"><label');
    await save(browser, csrf, { 'platform.slack': 'on', statement: 'on', mentions: 'on' });
    const [on] = await w.db.$queryRawUnsafe<{ statement_dms: boolean; statements_opted_in: boolean; mentions: boolean }[]>(
      `SELECT s.statement_dms, s.statements_opted_in, i.mentions FROM supporter_settings s JOIN identities i ON i.user_id = s.user_id WHERE s.user_id = $1`, userId);
    expect(on).toEqual({ statement_dms: true, statements_opted_in: true, mentions: true });
  });

  it('refusals: no CSRF token (403), a bad emoji or community id, a community both allowed and blocked (422): said on the page, nothing changed', async () => {
    const { userId, browser, csrf } = await supporterOnPage();
    const before = await row(userId);

    const noCsrf = await browser.postForm('/settings', { emoji_mode: 'any' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body).toContain('Nothing was changed');
    const wrongCsrf = await browser.postForm('/settings', { _csrf: 'forged', emoji_mode: 'any' });
    expect(wrongCsrf.status).toBe(403);

    const badEmoji = await save(browser, csrf, { emoji_mode: 'custom', emoji: 'star <b>bold</b>' });
    expect(badEmoji.status).toBe(422);
    expect(badEmoji.body).toContain('role="alert"');
    expect(visibleText(badEmoji)).toContain('Nothing was changed: "<b>bold</b>" is not an emoji');
    expect(badEmoji.body).not.toContain('<b>bold</b>');
    expect((await save(browser, csrf, { emoji_mode: 'custom', emoji: '  ' })).status).toBe(422);

    const badCommunity = await save(browser, csrf, { block_more: 'DROP;TABLE' });
    expect(badCommunity.status).toBe(422);
    expect(visibleText(badCommunity)).toContain('"DROP;TABLE" is not a community id');

    const both = await save(browser, csrf, { 'allow.T1': 'on', block_more: 'T1' });
    expect(both.status).toBe(422);
    expect(visibleText(both)).toContain('T1 cannot be both allowed and blocked');
    expect(await row(userId)).toEqual(before);
  });

  it('in French: the page, its labels and its refusals', async () => {
    const { browser, csrf, page } = await supporterOnPage('fr-FR,fr;q=0.9');
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toContain('<h1>Réglages</h1>');
    expect(page.body).toContain('Compter mes j’aime sur Slack');
    expect(page.body).toContain('<button type="submit">Enregistrer les réglages</button>');
    const refused = await save(browser, csrf, { emoji_mode: 'custom', emoji: 'pas!bon' });
    expect(refused.status).toBe(422);
    expect(visibleText(refused)).toContain('Rien n’a été modifié : « pas!bon » n’est pas un emoji');
  });
});
