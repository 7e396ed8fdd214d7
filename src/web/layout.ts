import { html, type Html } from './html.js';
import type { WebLocale } from './pick-locale.js';
import { SETTINGS_STYLESHEET } from './settings/settings-css.js';
import type { WebMessages } from './web-messages.js';

export const STYLESHEET_PATH = '/assets/web.css';

/** The signed-in pages, in the order the navigation shows them; `admin` only to operators. */
export const NAV_PAGES = [
  { key: 'month', path: '/' }, { key: 'history', path: '/history' }, { key: 'wallet', path: '/wallet' },
  { key: 'earnings', path: '/earnings' }, { key: 'settings', path: '/settings' }, { key: 'admin', path: '/admin' },
] as const;
export type NavKey = (typeof NAV_PAGES)[number]['key'];

/** What a signed-in page's header shows: where the reader is, whether they operate the hub, and the logout form's CSRF token (sessions only). */
export type Nav = { current: NavKey | null; admin: boolean; csrfToken?: string };

/** Every page's frame: language, viewport for phones, the hub's own stylesheet (no CDN), a skip link, and for a signed-in reader the navigation. */
export function layout(o: { locale: WebLocale; m: WebMessages; title: string; body: Html; nav?: Nav }): string {
  return html`<!doctype html>
<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${o.title} · ${o.m.site}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip" href="#main">${o.m.skip}</a>
<header><a class="site" href="/">${o.m.site}</a>${o.nav ? navigation(o.m, o.nav) : ''}</header>
<main id="main">
${o.body}
</main>
</body>
</html>
`.value;
}

function navigation(m: WebMessages, nav: Nav): Html {
  const pages = NAV_PAGES.filter((p) => p.key !== 'admin' || nav.admin);
  return html`<nav aria-label="${m.nav.label}"><ul>${pages.map((p) => html`<li><a href="${p.path}"${p.key === nav.current ? html` aria-current="page"` : ''}>${m.nav[p.key]}</a></li>`)}</ul>
${nav.csrfToken ? html`<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${nav.csrfToken}"><button type="submit" class="secondary">${m.home.logout}</button></form>` : ''}</nav>`;
}

/** Sized for a phone first; colours meet WCAG AA contrast (text 4.5:1 and more); focus always visible. */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --accent: #0b5cad; --accent-ink: #ffffff; --line: #d4d9e0; --bg: #ffffff; --soft: #f3f5f8; --bad: #a4161a; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { border-bottom: 1px solid var(--line); padding: .75rem 1rem; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; }
nav { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; flex: 1; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem .9rem; list-style: none; margin: 0; padding: 0; flex: 1; }
nav a[aria-current="page"] { font-weight: 700; color: var(--ink); text-decoration-thickness: 2px; }
nav .logout button { margin: 0; padding: .3rem .7rem; }
table { width: 100%; border-collapse: collapse; margin: 0 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; padding: .4rem .5rem .4rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input, select, textarea { font: inherit; padding: .5rem; border: 1px solid var(--muted); border-radius: .3rem; max-width: 100%; }
input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #f2a900; outline-offset: 1px; }
.hint { color: var(--muted); font-size: .9rem; margin: .25rem 0 0; }
.notice { background: var(--soft); border-left: 4px solid var(--accent); padding: .5rem .75rem; margin: 0 0 1rem; }
.form-error { color: var(--bad); font-weight: 600; }
form.inline { display: inline; }
.nowrap, table button, table .button { white-space: nowrap; }
.site { font-weight: 700; color: var(--ink); text-decoration: none; }
main { max-width: 56rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
p { margin: 0 0 1rem; }
.muted { color: var(--muted); }
.amount { font-size: 2rem; font-weight: 700; margin: .25rem 0 1rem; }
.error h1 { color: var(--bad); }
a { color: var(--accent); }
.button, button { display: inline-block; font: inherit; font-weight: 600; padding: .6rem 1rem; border-radius: .4rem; border: 1px solid var(--accent);
  background: var(--accent); color: var(--accent-ink); text-decoration: none; cursor: pointer; margin: 0 .5rem .5rem 0; }
button.secondary { background: var(--bg); color: var(--accent); }
.actions { margin: 1rem 0; }
code { background: var(--soft); padding: .1rem .3rem; border-radius: .25rem; }
a:focus-visible, button:focus-visible, .button:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem; }
.skip:focus { left: .5rem; }
`
  + SETTINGS_STYLESHEET;
