import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realMonths } from '../support/real-months.js';
import { loginLinkIn, startE2eWorld, TEAM, type E2eWorld } from './support/e2e-world.js';

const ANNA = `${TEAM}:UANNA`;
const BEN = `${TEAM}:UBEN`;
/** Discord: a supporter and a creator who has never used flattr-hub (snowflakes). */
const DORA = '301234567890123456';
const CAROL = '401234567890123456';
const GUILD = '501234567890123456';
/** The hub and the `flattr` commands read the real clock: last month is settled, this month is open. */
const { previous: LAST_MONTH, current: THIS_MONTH, at, monthName } = realMonths();

/** A like as the adapters make them (one JSON line for `flattr likes import`). */
function like(o: { platform: 'slack' | 'discord'; liker: string; author: string; item: string; community: string; at: string }): string {
  return JSON.stringify({
    platform: o.platform, eventId: `e2e-${o.item}`, action: 'like', liker: o.liker, author: o.author, item: o.item,
    community: o.community, reaction: 'star', occurredAt: o.at,
  });
}

/** The "if the month ended now" share of every listed flattr, as the page prints it. */
async function shares(page: Page): Promise<string[]> {
  return page.locator('form[action="/month/undo"] tbody tr td.num').allInnerTexts();
}

/**
 * The dashboard in real headless Chromium (Debian's, through
 * playwright-core) against a hub on a real port: sign-in from the CLI, from
 * Slack's `/flattr login` and with Discord's OAuth; this month's flattrs and
 * what each would get; the budget form; undo; the CSV; an unclaimed creator
 * claiming their escrow; French; a phone's width. Each main page is
 * screenshotted into SCREENSHOTS for a person to look at.
 */
describe('the dashboard in Chromium', () => {
  let w: E2eWorld;

  beforeAll(async () => {
    w = await startE2eWorld();
    await w.cli(['supporter', 'set', '--platform', 'slack', '--external-id', ANNA, '--budget', '35.00', '--on', 'slack']);
    await w.cli(['wallet', 'credit', '--platform', 'slack', '--external-id', ANNA, '--amount', '80.00']);
    await w.cli(['supporter', 'set', '--platform', 'slack', '--external-id', BEN, '--budget', '12.00', '--on', 'slack', '--locale', 'fr']);
    await w.cli(['wallet', 'credit', '--platform', 'slack', '--external-id', BEN, '--amount', '12.00']);
    await w.cli(['supporter', 'set', '--platform', 'discord', '--external-id', DORA, '--budget', '10.00', '--on', 'discord']);
    await w.cli(['wallet', 'credit', '--platform', 'discord', '--external-id', DORA, '--amount', '10.00']);
    const slackLike = (liker: string, author: string, n: number, at: string) =>
      like({ platform: 'slack', liker, author: `${TEAM}:${author}`, item: `${TEAM}:C0E2E:1700000000.00${n}`, community: TEAM, at });
    const likes = [
      // Last month, settled below: Anna's history, and Carol's escrow on Discord.
      slackLike(ANNA, 'UCREA', 1, at(LAST_MONTH, 4 * 24 + 10)),
      slackLike(ANNA, 'UCREB', 2, at(LAST_MONTH, 5 * 24 + 10)),
      like({ platform: 'discord', liker: DORA, author: CAROL, item: `${GUILD}:601234567890123456:701234567890123456`, community: GUILD, at: at(LAST_MONTH, 6 * 24 + 10) }),
      // This month: four flattrs by Anna, one by Ben.
      ...['UCREA', 'UCREC', 'UCRED', 'UCREE'].map((author, i) => slackLike(ANNA, author, 10 + i, at(THIS_MONTH, (i + 1) * 24 + 10))),
      slackLike(BEN, 'UCREA', 20, at(THIS_MONTH, 2 * 24 + 11)),
    ];
    await w.cli(['likes', 'import', '-'], `${likes.join('\n')}\n`);
    await w.cli(['settle', '--period', LAST_MONTH]);
  }, 180_000);

  afterAll(async () => { await w?.close(); }, 60_000);

  it('signs in with a link from `flattr login-link`, and shows this month\'s flattrs with what each would get', async () => {
    const link = loginLinkIn((await w.cli(['login-link', '--platform', 'slack', '--external-id', ANNA])).stdout);
    const page = await (await w.context()).newPage();
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    // Budget 35.00 of a wallet of 80.00 - 35.00 spent last month = 45.00: 35.00 charged, 3.50 fee, 31.50 split four ways.
    expect(await shares(page)).toEqual(expect.arrayContaining(['€7.88', '€7.87']));
    expect((await shares(page)).map((s) => Math.round(Number(s.replace(/[^0-9.]/g, '')) * 100)).reduce((a, b) => a + b, 0)).toBe(3150);
    await w.screenshot(page, 'supporter-month');
    await page.close();
  });

  it('changes the budget through the labelled form, and the amounts follow; a comma amount is refused with a message and changes nothing', async () => {
    const page = await (await w.context()).newPage();
    await page.goto(loginLinkIn((await w.cli(['login-link', '--platform', 'slack', '--external-id', ANNA])).stdout));
    await page.getByLabel('Amount per month').fill('35,5');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(() => page.locator('.form-error, [role=alert]').first().innerText()).toMatch(/35,5/);
    await page.goto('/');
    expect(await shares(page)).toEqual(expect.arrayContaining(['€7.88']));

    await page.getByLabel('Amount per month').fill('20.00');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/month/budget')), page.getByRole('button', { name: 'Save budget' }).click()]);
    // 20.00 charged, 2.00 fee, 18.00 split four ways.
    await expect.poll(() => shares(page)).toEqual(['€4.50', '€4.50', '€4.50', '€4.50']);
    await page.close();
  });

  it('undoes a flattr: it leaves the list and the others get its share', async () => {
    const page = await (await w.context()).newPage();
    await page.goto(loginLinkIn((await w.cli(['login-link', '--platform', 'slack', '--external-id', ANNA])).stdout));
    const undo = page.getByRole('button', { name: /^Undo flattr/ });
    expect(await undo.count()).toBe(4);
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/month/undo')), undo.first().click()]);
    await expect.poll(() => shares(page)).toEqual(['€6.00', '€6.00', '€6.00']);
    await page.close();
  });

  it('shows the history, and downloads it as CSV with what last month moved', async () => {
    const page = await (await w.context()).newPage();
    await page.goto(loginLinkIn((await w.cli(['login-link', '--platform', 'slack', '--external-id', ANNA])).stdout));
    await page.getByRole('navigation').getByRole('link', { name: 'History' }).click();
    await page.waitForURL((url) => url.pathname === '/history');
    expect(await page.locator('main').innerText()).toContain(monthName(LAST_MONTH));
    await w.screenshot(page, 'supporter-history');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download every month (CSV)' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    // Last month: 35.00 charged, 3.50 fee, 31.50 in two equal shares of 15.75.
    expect(csv).toContain(LAST_MONTH);
    expect(csv).toMatch(/UCREA/);
    expect(csv).toMatch(/15\.75/);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    await page.close();
  });

  it('signs Ben in from Slack\'s `/flattr login` and speaks French to his French browser', async () => {
    const page = await (await w.context('fr-FR')).newPage();
    await page.goto(loginLinkIn(await w.slashCommand('UBEN', 'login')));
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.getByRole('navigation').innerText()).toMatch(/Ce mois-ci/);
    // 12.00 charged, 1.20 fee: his one flattr would get 10,80 €.
    expect(await shares(page)).toEqual(['10,80\u00a0€']);
    await w.screenshot(page, 'supporter-month-fr');
    await page.close();
  });

  it('shows an unclaimed creator\'s claim page, and signing in with Discord claims the escrow', async () => {
    w.oauth.signedIn = { userId: CAROL, username: 'carol' };
    const page = await (await w.context()).newPage();
    await page.goto(`/claim/discord/${CAROL}`);
    // Dora's 10.00: 1.00 fee, 9.00 held for Carol; no supporter is named.
    expect(await page.locator('main').innerText()).toMatch(/€9\.00/);
    expect(await page.locator('main').innerText()).not.toMatch(new RegExp(DORA));
    await w.screenshot(page, 'claim-page');
    await page.getByRole('link', { name: 'Sign in with Discord' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/earnings');
    expect(await page.locator('main').innerText()).toMatch(/€9\.00/);
    await w.screenshot(page, 'creator-earnings');
    // Claimed: the public page no longer offers the money.
    expect((await page.goto(`/claim/discord/${CAROL}`))!.status()).toBe(404);
    await page.close();
  });

  it('shows an operator the settlement runs', async () => {
    await w.cli(['admin', 'grant', '--platform', 'slack', '--external-id', ANNA]);
    const page = await (await w.context()).newPage();
    await page.goto(loginLinkIn((await w.cli(['login-link', '--platform', 'slack', '--external-id', ANNA])).stdout));
    await page.getByRole('navigation').getByRole('link', { name: 'Operator' }).click();
    await page.waitForURL((url) => url.pathname === '/admin');
    expect(await page.locator('main').innerText()).toMatch(new RegExp(`${LAST_MONTH}|${monthName(LAST_MONTH)}`));
    await w.screenshot(page, 'operator-runs');
    await page.close();
  });

  it('fits a phone, labels every field and keeps the keyboard focus visible', async () => {
    const context = await w.context('en-GB', { width: 375, height: 800 });
    const page = await context.newPage();
    await page.goto(loginLinkIn((await w.cli(['login-link', '--platform', 'slack', '--external-id', ANNA])).stdout));
    for (const path of ['/', '/history', '/wallet', '/settings', '/earnings']) {
      await page.goto(path);
      // Nothing wider than the screen but tables, which scroll in their own box.
      // (Expressions run in the page: this project compiles without the DOM's types.)
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), path).toBe(true);
      const unlabelled = await page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label')).map((el) => el.outerHTML)`);
      expect(unlabelled, path).toEqual([]);
    }
    await page.goto('/');
    await w.screenshot(page, 'supporter-month-phone');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await context.close();
  });
});
