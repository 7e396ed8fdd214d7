/** What the settings, history and wallet pages need beyond layout.ts's stylesheet: checkboxes and radios beside their labels, grouped fields, a month's figures side by side. */
export const SETTINGS_STYLESHEET = `
fieldset { border: 1px solid var(--line); border-radius: .4rem; margin: 0 0 1rem; padding: .5rem 1rem .75rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.check { display: flex; align-items: baseline; gap: .5rem; margin: .35rem 0; }
.check label { display: inline; font-weight: 400; margin: 0; }
.check input { flex: none; width: 1.1rem; height: 1.1rem; }
input[type="checkbox"]:focus-visible, input[type="radio"]:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.figures { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0 0 1rem; }
.figures dt { color: var(--muted); font-size: .9rem; }
.figures dd { margin: 0; font-weight: 700; font-variant-numeric: tabular-nums; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
