import type { WebLocale } from '../pick-locale.js';

/** The month page's words (src/web/routes/month-page.ts). */
export type MonthMessages = {
  title: string;
  heading(month: string): string;
  budget: string;
  wallet: string;
  wouldCharge: string;
  fee(percent: string): string;
  toCreators: string;
  ifEndedNow: string;
  nothingCharged: string;
  paused: string;
  platformsOff: string;
  settingsLink: string;
  start: { title: string; body: string };
  form: { legend: string; amount: string; amountHint: string; currency: string; currencyHint: string; save: string };
  flattrs: { title(count: number): string; none: string; recipient: string; community: string; item: string; likedAt: string; share: string; action: string };
  undo: string;
  waitingClaim: string;
  openItem(platform: string): string;
  page(page: number, pages: number): string;
  previous: string;
  next: string;
  done: { budget(amount: string): string; undone: string };
  errors: {
    badAmount(raw: string, example: string): string;
    badCurrency(raw: string): string;
    currencyLocked(current: string, wanted: string, balance: string): string;
    noIdentity: string;
    settling(month: string): string;
    notFound: string;
  };
};

const en: MonthMessages = {
  title: 'This month',
  heading: (month) => `Your month: ${month}`,
  budget: 'Monthly budget',
  wallet: 'Wallet',
  wouldCharge: 'Would be charged now',
  fee: (percent) => `Fee (${percent})`,
  toCreators: 'Goes to creators',
  ifEndedNow: 'If the month ended now: the smaller of your budget and your wallet is charged, the fee is taken, and the rest is split evenly between your flattrs, to the cent.',
  nothingCharged: 'Nothing would be charged: you have no flattr this month yet.',
  paused: 'Flattring is paused: new likes do not count until you turn it back on.',
  platformsOff: 'Likes count only on the platforms you turn on, and none is on yet.',
  settingsLink: 'Choose platforms in Settings',
  start: { title: 'Set a budget to start', body: 'Choose how much you give each month. At the end of the month it is split evenly between everything you flattred.' },
  form: {
    legend: 'Change your monthly budget', amount: 'Amount per month', amountHint: 'Digits, with a dot before the cents: 35 or 35.50.',
    currency: 'Currency', currencyHint: 'The currency can change only while your wallet is empty.', save: 'Save budget',
  },
  flattrs: {
    title: (count) => (count === 1 ? '1 flattr this month' : `${count} flattrs this month`),
    none: 'No flattr this month yet: react with ⭐ on Slack or Discord to flattr something.',
    recipient: 'Creator', community: 'Community', item: 'What', likedAt: 'Liked at', share: 'Would receive', action: 'Action',
  },
  undo: 'Undo flattr',
  waitingClaim: 'not joined yet: their share is kept for them until they join',
  openItem: (platform) => `Open on ${platform}`,
  page: (page, pages) => `Page ${page} of ${pages}`,
  previous: 'Previous page',
  next: 'Next page',
  done: { budget: (amount) => `Budget saved: ${amount} a month.`, undone: 'Flattr undone: it no longer counts this month.' },
  errors: {
    badAmount: (raw, example) => `“${raw}” is not an amount: write digits with a dot before the cents, e.g. ${example}. Nothing was changed.`,
    badCurrency: (raw) => `“${raw}” is not a currency code (e.g. EUR, USD). Nothing was changed.`,
    currencyLocked: (current, wanted, balance) =>
      `Your wallet holds ${balance}, so the currency cannot change from ${current} to ${wanted}: money is never converted. Let the month-end settlements spend it first, or keep ${current}. Nothing was changed.`,
    noIdentity: 'Connect a platform account first (Settings). Nothing was changed.',
    settling: (month) => `${month} is settled or being settled, so its flattrs can no longer be undone. Nothing was changed.`,
    notFound: 'You have no flattr with this number. Nothing was changed.',
  },
};

const fr: MonthMessages = {
  title: 'Ce mois-ci',
  heading: (month) => `Votre mois : ${month}`,
  budget: 'Budget mensuel',
  wallet: 'Portefeuille',
  wouldCharge: 'Serait prélevé maintenant',
  fee: (percent) => `Frais (${percent})`,
  toCreators: 'Va aux créateurs',
  ifEndedNow: 'Si le mois finissait maintenant : le plus petit de votre budget et de votre portefeuille est prélevé, les frais sont retenus, et le reste est partagé à parts égales entre vos flattrs, au centime près.',
  nothingCharged: 'Rien ne serait prélevé : vous n’avez encore aucun flattr ce mois-ci.',
  paused: 'Les flattrs sont en pause : les nouveaux likes ne comptent pas tant que vous ne les réactivez pas.',
  platformsOff: 'Les likes ne comptent que sur les plateformes que vous activez, et aucune ne l’est encore.',
  settingsLink: 'Choisir les plateformes dans les Réglages',
  start: { title: 'Fixez un budget pour commencer', body: 'Choisissez combien vous donnez chaque mois. À la fin du mois, il est partagé à parts égales entre tout ce que vous avez flattré.' },
  form: {
    legend: 'Modifier votre budget mensuel', amount: 'Montant par mois', amountHint: 'Des chiffres, avec un point avant les centimes : 35 ou 35.50.',
    currency: 'Devise', currencyHint: 'La devise ne peut changer que si votre portefeuille est vide.', save: 'Enregistrer le budget',
  },
  flattrs: {
    title: (count) => (count <= 1 ? `${count} flattr ce mois-ci` : `${count} flattrs ce mois-ci`),
    none: 'Aucun flattr ce mois-ci : réagissez avec ⭐ sur Slack ou Discord pour flattrer quelque chose.',
    recipient: 'Créateur', community: 'Communauté', item: 'Quoi', likedAt: 'Aimé le', share: 'Recevrait', action: 'Action',
  },
  undo: 'Annuler le flattr',
  waitingClaim: 'pas encore inscrit : sa part lui est conservée jusqu’à son arrivée',
  openItem: (platform) => `Ouvrir sur ${platform}`,
  page: (page, pages) => `Page ${page} sur ${pages}`,
  previous: 'Page précédente',
  next: 'Page suivante',
  done: { budget: (amount) => `Budget enregistré : ${amount} par mois.`, undone: 'Flattr annulé : il ne compte plus ce mois-ci.' },
  errors: {
    badAmount: (raw, example) => `« ${raw} » n’est pas un montant : écrivez des chiffres avec un point avant les centimes, par exemple ${example}. Rien n’a été modifié.`,
    badCurrency: (raw) => `« ${raw} » n’est pas un code de devise (par exemple EUR, USD). Rien n’a été modifié.`,
    currencyLocked: (current, wanted, balance) =>
      `Votre portefeuille contient ${balance}, la devise ne peut donc pas passer de ${current} à ${wanted} : l’argent n’est jamais converti. Laissez d’abord les règlements de fin de mois le dépenser, ou gardez ${current}. Rien n’a été modifié.`,
    noIdentity: 'Connectez d’abord un compte de plateforme (Réglages). Rien n’a été modifié.',
    settling: (month) => `${month} est réglé ou en cours de règlement : ses flattrs ne peuvent plus être annulés. Rien n’a été modifié.`,
    notFound: 'Vous n’avez aucun flattr avec ce numéro. Rien n’a été modifié.',
  },
};

export const MONTH_MESSAGES: Record<WebLocale, MonthMessages> = { en, fr };
