import type { WebErrorCode } from './web-error.js';
import type { WebLocale } from './pick-locale.js';

/** A page's heading and one line saying what happened and what to do. */
export type Explained = { title: string; body: string };

export type WebMessages = {
  site: string;
  skip: string;
  signIn: { title: string; intro: string; with(platform: string): string; chat: string; none: string };
  home: { title: string; signedInAs(who: string): string; next: string; logout: string };
  /** The signed-in pages' navigation (layout.ts): one label per page. */
  nav: { label: string; month: string; history: string; wallet: string; settings: string; earnings: string; admin: string };
  linkPreview: Explained;
  claim: {
    title(who: string): string; waiting: string; until(date: string): string; how: string;
    signIn(platform: string): string; chatJoin(platform: string): string; noSignInYet(platform: string): string;
  };
  errors: Record<WebErrorCode, (platform: string) => Explained>;
  back: string;
};

const PLATFORM_NAMES: Record<string, string> = { slack: 'Slack', discord: 'Discord', twitter: 'X' };
export const platformName = (platform: string) => PLATFORM_NAMES[platform] ?? platform;

const en: WebMessages = {
  site: 'flattr-hub',
  skip: 'Skip to content',
  signIn: {
    title: 'Sign in',
    intro: 'Sign in to see your month, your flattrs and your money.',
    with: (p) => `Sign in with ${p}`,
    chat: 'Or type /flattr login in Slack or Discord: the bot answers with a link that signs you in, valid 15 minutes.',
    none: 'Type /flattr login in Slack or Discord: the bot answers with a link that signs you in, valid 15 minutes.',
  },
  home: { title: 'Your account', signedInAs: (who) => `Signed in as ${who}.`, next: 'The dashboard pages come next.', logout: 'Log out' },
  nav: { label: 'Pages', month: 'This month', history: 'History', wallet: 'Wallet', settings: 'Settings', earnings: 'Earnings', admin: 'Operator' },
  linkPreview: { title: 'Sign-in link', body: 'Open this link in your browser to sign in. It works once, for 15 minutes.' },
  claim: {
    title: (who) => `Money is waiting for ${who}`,
    waiting: 'Supporters who flattred this account sent it.',
    until: (date) => `It is held until ${date}; after that it goes back to the supporters.`,
    how: 'How to collect it',
    signIn: (p) => `Sign in with ${p}: the money moves to your balance at once.`,
    chatJoin: (p) => `Or, in ${p} where flattr-hub is installed, type /flattr join.`,
    noSignInYet: (p) => `Sign-in with ${p} is not set up on this hub: ask its operator.`,
  },
  errors: {
    unauthenticated: () => ({ title: 'Please sign in', body: 'This page needs you to be signed in.' }),
    csrf: () => ({ title: 'This form expired or did not come from this site', body: 'Nothing was changed. Go back, reload the page and try again.' }),
    not_found: () => ({ title: 'Page not found', body: 'There is nothing at this address.' }),
    invalid_input: () => ({ title: 'That did not look right', body: 'Nothing was changed. Check what you entered and try again.' }),
    rate_limited: () => ({ title: 'Too many sign-in attempts', body: 'Wait a minute, then try again.' }),
    internal: () => ({ title: 'Something went wrong', body: 'Please try again in a moment.' }),
    link_expired: () => ({ title: 'This sign-in link has expired', body: 'Links work for 15 minutes. Type /flattr login in chat for a new one.' }),
    link_used: () => ({ title: 'This sign-in link was already used', body: 'Each link works once. Type /flattr login in chat for a new one.' }),
    link_invalid: () => ({ title: 'This sign-in link is not valid', body: 'Check that you copied the whole link, or type /flattr login in chat for a new one.' }),
    oauth_state: () => ({ title: 'This sign-in did not start in this browser, or took too long', body: 'Nothing was changed. Start again from the sign-in page.' }),
    oauth_denied: (p) => ({ title: 'Sign-in cancelled', body: `${p} did not sign you in. Nothing was changed.` }),
    oauth_rejected: (p) => ({ title: `${p} did not accept this sign-in`, body: 'The sign-in code was already used or has expired. Nothing was changed; start again from the sign-in page.' }),
    oauth_unreachable: (p) => ({ title: `Could not reach ${p}`, body: 'Nothing was changed. Try again in a moment.' }),
    oauth_off: (p) => ({ title: `Sign in with ${p} is not set up on this hub`, body: 'Type /flattr login in chat instead.' }),
    owned_elsewhere: (p) => ({
      title: `This ${p} account belongs to another flattr account`,
      body: 'That account has money of its own, so it cannot move to yours. Log out and sign in with it instead. Nothing was changed.',
    }),
    last_identity: () => ({ title: 'This is your only account', body: 'You sign in with it, so it cannot be disconnected. Connect another account first. Nothing was changed.' }),
    identity_settling: () => ({ title: 'A settlement is still crediting this account', body: 'Try again once the month is settled. Nothing was changed.' }),
    claim_claimed: () => ({ title: 'This account is already claimed', body: 'Its owner collects what supporters send. Nothing is waiting here.' }),
    claim_nothing: () => ({ title: 'Nothing is waiting for this account', body: 'No supporter money is held for it.' }),
    currency_locked: () => ({ title: 'The currency cannot change now', body: 'Your wallet holds money in your current currency, and money is never converted. Nothing was changed.' }),
    period_settling: () => ({ title: 'This month is being settled', body: 'Its flattrs can no longer be undone. Nothing was changed.' }),
    not_operator: () => ({ title: 'This page is for the hub’s operators', body: 'Your account is not one of them. An operator can add it with flattr admin grant.' }),
  },
  back: 'Back to the start page',
};

const fr: WebMessages = {
  site: 'flattr-hub',
  skip: 'Aller au contenu',
  signIn: {
    title: 'Connexion',
    intro: 'Connectez-vous pour voir votre mois, vos flattrs et votre argent.',
    with: (p) => `Se connecter avec ${p}`,
    chat: 'Ou tapez /flattr login dans Slack ou Discord : le bot répond par un lien de connexion, valable 15 minutes.',
    none: 'Tapez /flattr login dans Slack ou Discord : le bot répond par un lien de connexion, valable 15 minutes.',
  },
  home: { title: 'Votre compte', signedInAs: (who) => `Connecté en tant que ${who}.`, next: 'Les pages du tableau de bord arrivent bientôt.', logout: 'Se déconnecter' },
  nav: { label: 'Pages', month: 'Ce mois-ci', history: 'Historique', wallet: 'Portefeuille', settings: 'Réglages', earnings: 'Revenus', admin: 'Exploitation' },
  linkPreview: { title: 'Lien de connexion', body: 'Ouvrez ce lien dans votre navigateur pour vous connecter. Il fonctionne une fois, pendant 15 minutes.' },
  claim: {
    title: (who) => `De l’argent attend ${who}`,
    waiting: 'Des soutiens qui ont flattré ce compte l’ont envoyé.',
    until: (date) => `Il est conservé jusqu’au ${date} ; ensuite il retourne aux soutiens.`,
    how: 'Comment le récupérer',
    signIn: (p) => `Connectez-vous avec ${p} : l’argent passe aussitôt sur votre solde.`,
    chatJoin: (p) => `Ou bien, dans ${p} où flattr-hub est installé, tapez /flattr join.`,
    noSignInYet: (p) => `La connexion avec ${p} n’est pas configurée sur ce hub : demandez à son exploitant.`,
  },
  errors: {
    unauthenticated: () => ({ title: 'Veuillez vous connecter', body: 'Cette page demande d’être connecté.' }),
    csrf: () => ({ title: 'Ce formulaire a expiré ou ne vient pas de ce site', body: 'Rien n’a été modifié. Revenez en arrière, rechargez la page et réessayez.' }),
    not_found: () => ({ title: 'Page introuvable', body: 'Il n’y a rien à cette adresse.' }),
    invalid_input: () => ({ title: 'Ce n’est pas valide', body: 'Rien n’a été modifié. Vérifiez votre saisie et réessayez.' }),
    rate_limited: () => ({ title: 'Trop de tentatives de connexion', body: 'Attendez une minute, puis réessayez.' }),
    internal: () => ({ title: 'Une erreur est survenue', body: 'Réessayez dans un instant.' }),
    link_expired: () => ({ title: 'Ce lien de connexion a expiré', body: 'Les liens sont valables 15 minutes. Tapez /flattr login dans le chat pour en obtenir un nouveau.' }),
    link_used: () => ({ title: 'Ce lien de connexion a déjà servi', body: 'Chaque lien ne fonctionne qu’une fois. Tapez /flattr login dans le chat pour en obtenir un nouveau.' }),
    link_invalid: () => ({ title: 'Ce lien de connexion n’est pas valide', body: 'Vérifiez que vous avez copié le lien en entier, ou tapez /flattr login dans le chat pour en obtenir un nouveau.' }),
    oauth_state: () => ({ title: 'Cette connexion n’a pas commencé dans ce navigateur, ou a pris trop de temps', body: 'Rien n’a été modifié. Recommencez depuis la page de connexion.' }),
    oauth_denied: (p) => ({ title: 'Connexion annulée', body: `${p} ne vous a pas connecté. Rien n’a été modifié.` }),
    oauth_rejected: (p) => ({ title: `${p} n’a pas accepté cette connexion`, body: 'Le code de connexion a déjà servi ou a expiré. Rien n’a été modifié ; recommencez depuis la page de connexion.' }),
    oauth_unreachable: (p) => ({ title: `Impossible de joindre ${p}`, body: 'Rien n’a été modifié. Réessayez dans un instant.' }),
    oauth_off: (p) => ({ title: `La connexion avec ${p} n’est pas configurée sur ce hub`, body: 'Tapez plutôt /flattr login dans le chat.' }),
    owned_elsewhere: (p) => ({
      title: `Ce compte ${p} appartient à un autre compte flattr`,
      body: 'Ce compte a son propre argent, il ne peut donc pas rejoindre le vôtre. Déconnectez-vous et connectez-vous avec lui. Rien n’a été modifié.',
    }),
    last_identity: () => ({ title: 'C’est votre seul compte', body: 'Vous vous connectez avec lui, il ne peut donc pas être déconnecté. Connectez d’abord un autre compte. Rien n’a été modifié.' }),
    identity_settling: () => ({ title: 'Un partage crédite encore ce compte', body: 'Réessayez quand le mois sera partagé. Rien n’a été modifié.' }),
    claim_claimed: () => ({ title: 'Ce compte est déjà réclamé', body: 'Son titulaire reçoit ce que les soutiens envoient. Rien n’attend ici.' }),
    claim_nothing: () => ({ title: 'Rien n’attend ce compte', body: 'Aucun argent de soutien n’est conservé pour lui.' }),
    currency_locked: () => ({ title: 'La devise ne peut pas changer maintenant', body: 'Votre portefeuille contient de l’argent dans votre devise actuelle, et l’argent n’est jamais converti. Rien n’a été modifié.' }),
    period_settling: () => ({ title: 'Ce mois est en cours de règlement', body: 'Ses flattrs ne peuvent plus être annulés. Rien n’a été modifié.' }),
    not_operator: () => ({ title: 'Cette page est réservée aux exploitants du hub', body: 'Votre compte n’en fait pas partie. Un exploitant peut l’ajouter avec flattr admin grant.' }),
  },
  back: 'Retour à la page d’accueil',
};

export const WEB_MESSAGES: Record<WebLocale, WebMessages> = { en, fr };
