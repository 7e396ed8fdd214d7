import type { ChatLocale } from './chat-types.js';

export type StatusView = {
  budget: string; active: boolean; platforms: string[]; emoji: string[]; wallet: string; pending: number; linked: string[];
  /** The creator side, when there is one (a balance, last period's income or escrow waiting). */
  creator?: CreatorStatusView;
};

/** A creator's money for `/flattr status`, formatted: balance, the last settled period's income, escrow waiting per account and until when. */
export type CreatorStatusView = {
  balance?: string;
  lastPeriod?: { period: string; received: string; supporters: number };
  escrow: { account: string; amount: string; until: string }[];
};

/** What `/flattr link CODE` would do, formatted for the reply. */
export type LinkPreviewView = { joining: string; into: string; escrow?: string; code: string; minutes: number };

/** Every reply the chat commands give, in each locale the hub speaks. */
export type Messages = {
  help: string;
  unknown(word: string): string;
  joined: string;
  alreadyJoined: string;
  budgetSet(amount: string): string;
  budgetHintOn(platform: string): string;
  badAmount(raw: string): string;
  badCurrency(raw: string): string;
  missingAmount: string;
  /** A currency change refused: the wallet still holds `balance` in `current`. */
  currencyLocked(current: string, wanted: string, balance: string): string;
  /** Only a currency was given: the budget must come with it. */
  currencyNeedsBudget(currency: string): string;
  platformOn(platform: string): string;
  /** After `/flattr on twitter` from someone with no connected X account: likes on X are private, so they must connect it. */
  connectX(url: string): string;
  platformOff(platform: string): string;
  badPlatform(raw: string): string;
  emojiSet(list: string): string;
  emojiAny: string;
  emojiDefault(list: string): string;
  missingEmoji: string;
  notJoined: string;
  status(v: StatusView): string;
  undone(count: number): string;
  undoNothing: string;
  undoMissing: string;
  linkCode(code: string, minutes: number): string;
  linked(platform: string, escrowMoved?: string): string;
  linkPreview(p: LinkPreviewView): string;
  linkBadCode: string;
  linkExpired: string;
  linkAlreadySame: string;
  linkOwnedElsewhere: string;
  channelSet(channel: string): string;
  channelNotAdmin: string;
  channelNoChannel: string;
  channelOff: string;
  /** Joining (or a first budget or opt-in) claimed escrow waiting for this account: how much moved. */
  escrowClaimed(moved: string): string;
  statementOn: string;
  statementOff: string;
  statementUsage: string;
  mentionsOn: string;
  mentionsOff: string;
  mentionsUsage: string;
  /** `/flattr status` of someone who is a creator only (not a supporter, or not joined at all). */
  creatorStatus(v: CreatorStatusView, joined: boolean): string;
  /** `/flattr login`: a one-time sign-in link for the web pages. */
  login(url: string, minutes: number): string;
  /** A hub whose chat was wired without its web address (PUBLIC_URL) cannot make links. */
  loginUnavailable: string;
  failed: string;
};

const en: Messages = {
  help: [
    'flattr-hub (a bot): your reactions become flattrs, and your monthly budget is split among them.',
    '`/flattr join` · `/flattr budget 35 [EUR]` · `/flattr on [platform]` · `/flattr off [platform]`',
    '`/flattr emoji star heart` (or `any`, `default`) · `/flattr status` · `/flattr undo <message link>` · `/flattr topup 20` (add money by card, where the hub takes payments)',
    '`/flattr link` (get a code) · `/flattr link CODE` (see what joining this account to that user does, then confirm) · `/flattr channel` (admins: payout notices here)',
    '`/flattr statement on|off` (your monthly statement by DM) · `/flattr mentions on|off` (whether payout digests ping you) · `/flattr channel off` (admins: no digests)',
  ].join('\n'),
  unknown: (w) => `I don't know "${w}". Try \`/flattr help\`.`,
  joined: 'Welcome! Set a monthly budget with `/flattr budget 35`, then turn flattring on here with `/flattr on`.',
  alreadyJoined: 'You are already a supporter. `/flattr status` shows your settings.',
  budgetSet: (a) => `Your budget is now ${a} a month, split among your flattrs at month end.`,
  budgetHintOn: (p) => `Reactions on ${p} do not count yet: \`/flattr on\` turns them on.`,
  badAmount: (r) => `"${r}" is not an amount: write digits with an optional "." and cents, e.g. \`/flattr budget 35\` or \`/flattr budget 12.50 EUR\`. Nothing changed.`,
  badCurrency: (r) => `"${r}" is not a currency code: use one like EUR, USD or CHF. Nothing changed.`,
  missingAmount: 'Say how much: `/flattr budget 35` or `/flattr budget 35 EUR`.',
  currencyLocked: (c, w, b) => `Your wallet still holds ${b}, so your currency stays ${c}: money is never converted. Month-end splits spend it (or an operator can return it); once it is empty, \`/flattr budget 10 ${w}\` switches. Or keep ${c}: \`/flattr budget 10\`. Nothing changed.`,
  currencyNeedsBudget: (c) => `Give the amount with the currency: \`/flattr budget 10 ${c}\` sets 10 ${c} a month. Nothing changed.`,
  platformOn: (p) => `Your reactions on ${p} now become flattrs.`,
  connectX: (url) => `Your likes on X are private: connect your X account at ${url} so the hub can see them (sign in with the account this message came from first).`,
  platformOff: (p) => `Your reactions on ${p} no longer become flattrs.`,
  badPlatform: (r) => `"${r}" is not a platform: use slack, discord or twitter. Nothing changed.`,
  emojiSet: (l) => `Flattrs now come from these reactions: ${l}.`,
  emojiAny: 'Every reaction you add now becomes a flattr.',
  emojiDefault: (l) => `Back to the default reactions: ${l}.`,
  missingEmoji: 'Name some emoji: `/flattr emoji star heart`, or `any`, or `default`.',
  notJoined: 'You have not joined yet: `/flattr join`.',
  status: (v) => [
    `Budget ${v.budget} a month, ${v.active ? 'active' : 'paused'}; wallet ${v.wallet}.`,
    `On: ${v.platforms.join(', ') || 'nowhere yet'}. Reactions: ${v.emoji.join(' ')}.`,
    `${v.pending} flattr${v.pending === 1 ? '' : 's'} waiting for the month-end split. Accounts: ${v.linked.join(', ')}.`,
    ...(v.creator ? creatorLinesEn(v.creator) : []),
  ].join('\n'),
  undone: (n) => `Done: ${n} flattr${n === 1 ? '' : 's'} withdrawn.`,
  undoNothing: 'You have no flattr on that item that can still be withdrawn.',
  undoMissing: 'Give a message link: `/flattr undo https://…`.',
  linkCode: (c, m) => `Your code is ${c}. On your other platform, type \`/flattr link ${c}\` within ${m} minutes. It works once.`,
  linked: (p, moved) => `This ${p} account is now linked: same user, same budget.${moved ? ` ${moved} waiting for it moved to your balance.` : ''}`,
  linkPreview: (v) => [
    `This joins ${v.joining} to the flattr-hub account of ${v.into}: ${v.into} will receive what ${v.joining} earns${v.escrow ? `, starting with the ${v.escrow} waiting for it` : ''}, and share its budget.`,
    `Nothing has changed yet. If ${v.into} is you, type \`/flattr link ${v.code} confirm\` within ${v.minutes} minutes. If someone else gave you this code, do not confirm.`,
  ].join('\n'),
  linkBadCode: 'That code is unknown, used or expired. Get a new one with `/flattr link` on your other platform.',
  linkExpired: 'That code has expired (codes last 15 minutes). Get a new one with `/flattr link` on your other platform. Nothing changed.',
  linkAlreadySame: 'This account is already linked to that user.',
  linkOwnedElsewhere: 'This account already has its own wallet or linked accounts, so it cannot be moved. Link the other way round, or ask an operator.',
  channelSet: (c) => `Payout notices for this community will be posted in <#${c}>.`,
  channelNotAdmin: 'Only community admins can choose the payout notice channel.',
  channelNoChannel: 'Run `/flattr channel` inside the channel that should get payout notices.',
  channelOff: 'Payout digests for this community are off. `/flattr channel` in a channel turns them on again, there.',
  escrowClaimed: (moved) => `${moved} that supporters flattred you with moved to your balance.`,
  statementOn: 'You will get a statement by DM after each month-end split (and, as a creator, what you received). `/flattr statement off` stops it.',
  statementOff: 'No more monthly statements by DM. `/flattr statement on` brings them back.',
  statementUsage: 'Say `/flattr statement on` or `/flattr statement off`. Nothing changed.',
  mentionsOn: 'Payout digests will mention you again.',
  mentionsOff: 'Payout digests will name you without mentioning (pinging) you.',
  mentionsUsage: 'Say `/flattr mentions on` or `/flattr mentions off`. Nothing changed.',
  creatorStatus: (v, joined) => [...creatorLinesEn(v), ...(joined ? [] : ['You have not joined yet: `/flattr join` collects what waits for you.'])].join('\n'),
  login: (url, minutes) => `Your sign-in link, for you only (it works once, for ${minutes} minutes): ${url}`,
  loginUnavailable: 'Sign-in links are not available from this bot. Nothing was changed.',
  failed: 'Something went wrong on our side; nothing was changed. Please try again in a moment.',
};

const fr: Messages = {
  help: [
    'flattr-hub (un bot) : vos réactions deviennent des flattrs, et votre budget mensuel est partagé entre eux.',
    '`/flattr join` · `/flattr budget 35 [EUR]` · `/flattr on [plateforme]` · `/flattr off [plateforme]`',
    '`/flattr emoji star heart` (ou `any`, `default`) · `/flattr status` · `/flattr undo <lien du message>` · `/flattr topup 20` (ajouter de l’argent par carte, si le hub accepte les paiements)',
    '`/flattr link` (obtenir un code) · `/flattr link CODE` (voir ce que fait le rattachement, puis confirmer) · `/flattr channel` (admins : avis de paiement ici)',
    '`/flattr statement on|off` (votre relevé mensuel en privé) · `/flattr mentions on|off` (être mentionné ou non dans les récapitulatifs) · `/flattr channel off` (admins : pas de récapitulatif)',
  ].join('\n'),
  unknown: (w) => `Je ne connais pas « ${w} ». Essayez \`/flattr help\`.`,
  joined: 'Bienvenue ! Fixez un budget mensuel avec `/flattr budget 35`, puis activez le flattr ici avec `/flattr on`.',
  alreadyJoined: 'Vous êtes déjà donateur. `/flattr status` montre vos réglages.',
  budgetSet: (a) => `Votre budget est maintenant de ${a} par mois, partagé entre vos flattrs en fin de mois.`,
  budgetHintOn: (p) => `Vos réactions sur ${p} ne comptent pas encore : \`/flattr on\` les active.`,
  badAmount: (r) => `« ${r} » n'est pas un montant : écrivez des chiffres, avec un point pour les centimes, par ex. \`/flattr budget 35\` ou \`/flattr budget 12.50 EUR\`. Rien n'a changé.`,
  badCurrency: (r) => `« ${r} » n'est pas un code de devise : utilisez par ex. EUR, USD ou CHF. Rien n'a changé.`,
  missingAmount: 'Indiquez un montant : `/flattr budget 35` ou `/flattr budget 35 EUR`.',
  currencyLocked: (c, w, b) => `Votre portefeuille contient encore ${b}, votre devise reste donc ${c} : l'argent n'est jamais converti. Les partages de fin de mois le dépensent (ou un opérateur peut vous le rendre) ; une fois vide, \`/flattr budget 10 ${w}\` change de devise. Ou gardez ${c} : \`/flattr budget 10\`. Rien n'a changé.`,
  currencyNeedsBudget: (c) => `Indiquez le montant avec la devise : \`/flattr budget 10 ${c}\` fixe 10 ${c} par mois. Rien n'a changé.`,
  platformOn: (p) => `Vos réactions sur ${p} deviennent maintenant des flattrs.`,
  connectX: (url) => `Vos likes sur X sont privés : connectez votre compte X sur ${url} pour que le hub les voie (connectez-vous d'abord avec le compte d'où vient ce message).`,
  platformOff: (p) => `Vos réactions sur ${p} ne deviennent plus des flattrs.`,
  badPlatform: (r) => `« ${r} » n'est pas une plateforme : utilisez slack, discord ou twitter. Rien n'a changé.`,
  emojiSet: (l) => `Les flattrs viennent maintenant de ces réactions : ${l}.`,
  emojiAny: 'Chaque réaction que vous ajoutez devient maintenant un flattr.',
  emojiDefault: (l) => `Retour aux réactions par défaut : ${l}.`,
  missingEmoji: 'Nommez des emoji : `/flattr emoji star heart`, ou `any`, ou `default`.',
  notJoined: "Vous n'êtes pas encore inscrit : `/flattr join`.",
  status: (v) => [
    `Budget ${v.budget} par mois, ${v.active ? 'actif' : 'en pause'} ; portefeuille ${v.wallet}.`,
    `Activé sur : ${v.platforms.join(', ') || 'aucune plateforme'}. Réactions : ${v.emoji.join(' ')}.`,
    `${v.pending} flattr${v.pending > 1 ? 's' : ''} en attente du partage de fin de mois. Comptes : ${v.linked.join(', ')}.`,
    ...(v.creator ? creatorLinesFr(v.creator) : []),
  ].join('\n'),
  undone: (n) => `C'est fait : ${n} flattr${n > 1 ? 's' : ''} retiré${n > 1 ? 's' : ''}.`,
  undoNothing: "Vous n'avez sur cet élément aucun flattr qui puisse encore être retiré.",
  undoMissing: 'Donnez un lien de message : `/flattr undo https://…`.',
  linkCode: (c, m) => `Votre code est ${c}. Sur votre autre plateforme, tapez \`/flattr link ${c}\` dans les ${m} minutes. Il ne sert qu'une fois.`,
  linked: (p, moved) => `Ce compte ${p} est maintenant rattaché : même utilisateur, même budget.${moved ? ` Les ${moved} qui l'attendaient sont passés sur votre solde.` : ''}`,
  linkPreview: (v) => [
    `Ceci rattache ${v.joining} au compte flattr-hub de ${v.into} : ${v.into} recevra ce que ${v.joining} gagne${v.escrow ? `, à commencer par les ${v.escrow} qui l'attendent` : ''}, et partagera son budget.`,
    `Rien n'a encore changé. Si ${v.into}, c'est vous, tapez \`/flattr link ${v.code} confirm\` dans les ${v.minutes} minutes. Si quelqu'un d'autre vous a donné ce code, ne confirmez pas.`,
  ].join('\n'),
  linkBadCode: 'Ce code est inconnu, déjà utilisé ou expiré. Demandez-en un nouveau avec `/flattr link` sur votre autre plateforme.',
  linkExpired: "Ce code a expiré (un code dure 15 minutes). Demandez-en un nouveau avec `/flattr link` sur votre autre plateforme. Rien n'a changé.",
  linkAlreadySame: 'Ce compte est déjà rattaché à cet utilisateur.',
  linkOwnedElsewhere: "Ce compte a déjà son propre portefeuille ou des comptes rattachés : il ne peut pas être déplacé. Faites le lien dans l'autre sens, ou demandez à un opérateur.",
  channelSet: (c) => `Les avis de paiement de cette communauté seront publiés dans <#${c}>.`,
  channelNotAdmin: 'Seuls les admins de la communauté peuvent choisir le salon des avis de paiement.',
  channelNoChannel: 'Lancez `/flattr channel` dans le salon qui doit recevoir les avis de paiement.',
  channelOff: 'Les récapitulatifs de paiement de cette communauté sont désactivés. `/flattr channel` dans un salon les réactive, dans ce salon.',
  escrowClaimed: (moved) => `Les ${moved} que des donateurs vous ont envoyés sont passés sur votre solde.`,
  statementOn: 'Vous recevrez un relevé par message privé après chaque partage de fin de mois (et, comme créateur, ce que vous avez reçu). `/flattr statement off` l’arrête.',
  statementOff: 'Plus de relevé mensuel par message privé. `/flattr statement on` le rétablit.',
  statementUsage: 'Tapez `/flattr statement on` ou `/flattr statement off`. Rien n\'a changé.',
  mentionsOn: 'Les récapitulatifs de paiement vous mentionneront de nouveau.',
  mentionsOff: 'Les récapitulatifs de paiement vous nommeront sans vous mentionner (sans notification).',
  mentionsUsage: 'Tapez `/flattr mentions on` ou `/flattr mentions off`. Rien n\'a changé.',
  creatorStatus: (v, joined) => [...creatorLinesFr(v), ...(joined ? [] : ['Vous n\'êtes pas encore inscrit : `/flattr join` récupère ce qui vous attend.'])].join('\n'),
  login: (url, minutes) => `Votre lien de connexion, pour vous seul (il fonctionne une fois, pendant ${minutes} minutes) : ${url}`,
  loginUnavailable: "Les liens de connexion ne sont pas disponibles avec ce bot. Rien n'a changé.",
  failed: "Un problème est survenu de notre côté ; rien n'a changé. Réessayez dans un instant.",
};

export const MESSAGES: Record<ChatLocale, Messages> = { en, fr };

function creatorLinesEn(v: CreatorStatusView): string[] {
  const income = v.lastPeriod ? `; ${v.lastPeriod.period}: ${v.lastPeriod.received} from ${v.lastPeriod.supporters} supporter${v.lastPeriod.supporters === 1 ? '' : 's'}` : '';
  return [
    ...(v.balance !== undefined || v.lastPeriod ? [`As a creator: balance ${v.balance ?? 'empty'}${income}.`] : []),
    ...v.escrow.map((e) => `Waiting for ${e.account}: ${e.amount}, until ${e.until}; after that it goes back to the supporters.`),
  ];
}

function creatorLinesFr(v: CreatorStatusView): string[] {
  const income = v.lastPeriod ? ` ; ${v.lastPeriod.period} : ${v.lastPeriod.received} de ${v.lastPeriod.supporters} donateur${v.lastPeriod.supporters > 1 ? 's' : ''}` : '';
  return [
    ...(v.balance !== undefined || v.lastPeriod ? [`Comme créateur : solde ${v.balance ?? 'vide'}${income}.`] : []),
    ...v.escrow.map((e) => `En attente pour ${e.account} : ${e.amount}, jusqu’au ${e.until} ; ensuite la somme retourne aux donateurs.`),
  ];
}

