import { formatEmoji } from '../../chat/supporter-commands.js';
import { PLATFORMS } from '../../domain/like-event.js';
import type { ApiTokenView } from '../api-tokens.js';
import { html, withCommands, type Html } from '../html.js';
import type { SettingsMessages } from '../messages/settings.js';
import type { WebLocale } from '../pick-locale.js';
import { platformName } from '../web-messages.js';
import type { KnownCommunity } from './known-communities.js';
import type { SettingsView } from './load-settings.js';

export type SettingsPage = {
  view: SettingsView;
  tokens: ApiTokenView[];
  locale: WebLocale;
  s: SettingsMessages;
  csrfToken: string;
  timeZone: string;
  /** Platforms whose "Sign in with" is configured, to connect another account. */
  connectable: string[];
  /** What the last action did (after a redirect). */
  done?: string;
  /** Why the last action changed nothing. */
  error?: string;
  /** A token just created: its secret, shown this once. */
  created?: { name: string; token: string };
};

/** The settings page body: what flattrs, messages, connected accounts and API tokens. */
export function renderSettings(p: SettingsPage): Html {
  const { s } = p;
  const csrf = html`<input type="hidden" name="_csrf" value="${p.csrfToken}">`;
  return html`<h1>${s.title}</h1>
${p.done ? html`<p class="notice" role="status">${p.done}</p>` : ''}
${p.error ? html`<p class="notice form-error" role="alert">${s.problem} ${p.error}</p>` : ''}
${p.view.joined ? '' : html`<p class="notice">${s.notJoined}</p>`}
<form method="post" action="/settings">
${csrf}
<h2>${s.flattring}</h2>
${platformsFieldset(p)}
${emojiFieldset(p)}
<h2>${s.communities}</h2>
<p class="hint">${s.communitiesHint}</p>
${communityFieldset(p, 'allow')}
${communityFieldset(p, 'block')}
<h2>${s.messages}</h2>
${checkbox('statement', s.statement, p.view.statementDms)}
${checkbox('mentions', s.mentions, p.view.mentions)}
<p class="actions"><button type="submit">${s.save}</button></p>
</form>
${renderAccounts(p, csrf)}
${renderTokens(p, csrf)}`;
}

function checkbox(name: string, label: string, checked: boolean): Html {
  return html`<div class="check"><input type="checkbox" id="${name}" name="${name}"${checked ? html` checked` : ''}><label for="${name}">${label}</label></div>`;
}

function platformsFieldset({ s, view }: SettingsPage): Html {
  return html`<fieldset><legend>${s.platformsLegend}</legend><p class="hint">${s.platformsHint}</p>
${PLATFORMS.map((p) => checkbox(`platform.${p}`, s.platform(platformName(p)), view.platforms.includes(p)))}</fieldset>`;
}

function emojiFieldset({ s, view }: SettingsPage): Html {
  const radio = (mode: string, label: string) =>
    html`<div class="check"><input type="radio" id="emoji-${mode}" name="emoji_mode" value="${mode}"${view.emoji.mode === mode ? html` checked` : ''}><label for="emoji-${mode}">${label}</label></div>`;
  return html`<fieldset><legend>${s.emojiLegend}</legend>
${radio('default', s.emojiDefault(formatEmoji(['star', 'heart', '+1'], 'discord') + ' :flattr:'))}
${radio('any', s.emojiAny)}
${radio('custom', s.emojiCustom)}
<label for="emoji">${s.emojiCustomLabel}</label>
<input type="text" id="emoji" name="emoji" value="${view.emoji.mode === 'custom' ? view.emoji.reactions.join(' ') : ''}" aria-describedby="emoji-hint" autocomplete="off">
<p class="hint" id="emoji-hint">${s.emojiHint}</p></fieldset>`;
}

function communityFieldset({ s, view }: SettingsPage, list: 'allow' | 'block'): Html {
  const chosen = new Set(list === 'allow' ? view.allowCommunities : view.blockCommunities);
  const known = new Set(view.communities.map((c) => c.id));
  // Ids on the list that no flattr or account shows yet (typed in before) stay in the free field, so saving keeps them.
  const typed = [...chosen].filter((id) => !known.has(id)).join(' ');
  return html`<fieldset><legend>${list === 'allow' ? s.allowLegend : s.blockLegend}</legend>
${list === 'allow' ? html`<p class="hint">${s.allowHint}</p>` : ''}
${view.communities.length === 0 ? html`<p class="hint">${s.noCommunities}</p>` : view.communities.map((c) => checkbox(`${list}.${c.id}`, communityLabel(c), chosen.has(c.id)))}
<label for="${list}_more">${list === 'allow' ? s.allowMore : s.blockMore}</label>
<input type="text" id="${list}_more" name="${list}_more" value="${typed}" aria-describedby="${list}-more-hint" autocomplete="off">
<p class="hint" id="${list}-more-hint">${s.moreHint}</p></fieldset>`;
}

function communityLabel(c: KnownCommunity): string {
  const where = c.platform ? `${platformName(c.platform)}, ` : '';
  return c.name ? `${c.name} (${where}${c.id})` : `${c.id}${c.platform ? ` (${platformName(c.platform)})` : ''}`;
}

function renderAccounts({ s, view, connectable }: SettingsPage, csrf: Html): Html {
  const only = view.identities.length <= 1;
  return html`<h2 id="accounts">${s.accounts}</h2><p>${s.accountsIntro}</p>
<div class="table-wrap"><table><thead><tr><th scope="col">${s.platformColumn}</th><th scope="col">${s.accountColumn}</th><th scope="col"><span class="visually-hidden">${s.actions}</span></th></tr></thead><tbody>
${view.identities.map((i) => {
    const who = `${platformName(i.platform)} ${i.handle ?? i.externalId}`;
    return html`<tr><td>${platformName(i.platform)}</td><td>${i.handle ? html`${i.handle} <span class="muted">${i.externalId}</span>` : i.externalId}</td><td>${only ? '' : html`<form method="post" action="/settings/accounts/disconnect" class="inline">${csrf}<input type="hidden" name="platform" value="${i.platform}"><input type="hidden" name="externalId" value="${i.externalId}"><button type="submit" class="secondary">${s.disconnect(who)}</button></form>`}</td></tr>`;
  })}
</tbody></table></div>
${only ? html`<p class="hint">${s.onlyAccount}</p>` : ''}
${connectable.length ? html`<p class="actions">${connectable.map((p) => html`<a class="button" href="/auth/${p}">${s.connect(platformName(p))}</a>`)}</p>` : ''}
<p class="hint">${withCommands(s.connectHint)}</p>`;
}

function renderTokens(p: SettingsPage, csrf: Html): Html {
  const { s } = p;
  const day = new Intl.DateTimeFormat(p.locale, { dateStyle: 'medium', timeZone: p.timeZone });
  return html`<h2 id="tokens">${s.tokens}</h2><p>${s.tokensIntro}</p>
${p.created ? html`<div class="notice" role="status"><p>${s.createdOnce(p.created.name)}</p><p><label for="new-token">${s.tokenLabel}</label><input type="text" id="new-token" readonly value="${p.created.token}" size="50"></p></div>` : ''}
${p.tokens.length === 0 ? html`<p class="muted">${s.noTokens}</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">${s.tokenName}</th><th scope="col">${s.tokenCreated}</th><th scope="col">${s.tokenLastUsed}</th><th scope="col"><span class="visually-hidden">${s.actions}</span></th></tr></thead><tbody>
${p.tokens.map((t) => html`<tr><td>${t.name}</td><td>${day.format(t.createdAt)}</td><td>${t.lastUsedAt ? day.format(t.lastUsedAt) : s.never}</td><td><form method="post" action="/settings/tokens/${t.id}/revoke" class="inline">${csrf}<button type="submit" class="secondary">${s.revoke(t.name)}</button></form></td></tr>`)}
</tbody></table></div>`}
<form method="post" action="/settings/tokens">
${csrf}
<label for="token-name">${s.newTokenLabel}</label>
<input type="text" id="token-name" name="name" maxlength="100" required aria-describedby="token-name-hint" autocomplete="off">
<p class="hint" id="token-name-hint">${s.newTokenHint}</p>
<p class="actions"><button type="submit">${s.create}</button></p>
</form>`;
}
