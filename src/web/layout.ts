import { html, type Html } from './html.js';
import type { WebLocale } from './pick-locale.js';
import type { WebMessages } from './web-messages.js';

export const STYLESHEET_PATH = '/assets/web.css';

/** Every page's frame: language, viewport for phones, the hub's own stylesheet (no CDN), a skip link. */
export function layout(o: { locale: WebLocale; m: WebMessages; title: string; body: Html }): string {
  return html`<!doctype html>
<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · ${o.m.site}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip" href="#main">${o.m.skip}</a>
<header><a class="site" href="/">${o.m.site}</a></header>
<main id="main">
${o.body}
</main>
</body>
</html>
`.value;
}

/** Sized for a phone first; colours meet WCAG AA contrast (text 4.5:1 and more); focus always visible. */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --accent: #0b5cad; --accent-ink: #ffffff; --line: #d4d9e0; --bg: #ffffff; --soft: #f3f5f8; --bad: #a4161a; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { border-bottom: 1px solid var(--line); padding: .75rem 1rem; }
.site { font-weight: 700; color: var(--ink); text-decoration: none; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
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
`;
