import type { WebLocale } from '../pick-locale.js';

/** The creator earnings page (/earnings), in every language the web speaks. */
export type EarningsMessages = {
  title: string;
  intro: string;
  balance: string;
  balanceNone: string;
  balanceHint: string;
  accounts: string;
  account: string;
  received: string;
  nothingYet: string;
  escrow: string;
  escrowIntro: string;
  escrowUntil(date: string): string;
  months: string;
  monthsNone: string;
  month: string;
  flattrs: string;
  flattrCount(n: number): string;
  supporters: string;
  community: string;
  noCommunity(platform: string): string;
  moreCommunities(n: number): string;
  pageOf(n: number): string;
  newer: string;
  older: string;
  badPage: string;
};

const en: EarningsMessages = {
  title: 'Your earnings',
  intro: 'What supporters sent you through flattrs, month by month, once each month is settled.',
  balance: 'Balance',
  balanceNone: 'Nothing yet.',
  balanceHint: 'Settled flattrs to your accounts, and escrow you claimed.',
  accounts: 'Your accounts',
  account: 'Account',
  received: 'Received',
  nothingYet: 'nothing yet',
  escrow: 'Still held in escrow',
  escrowIntro: 'Money sent before you claimed this account. Claim it to move it to your balance.',
  escrowUntil: (date) => `goes back to the supporters from ${date}`,
  months: 'Received per month',
  monthsNone: 'No settled month has brought you anything yet.',
  month: 'Month',
  flattrs: 'Flattrs',
  flattrCount: (n) => `${n} ${n === 1 ? 'flattr' : 'flattrs'}`,
  supporters: 'Supporters',
  community: 'Where',
  noCommunity: (p) => `${p} (no community)`,
  moreCommunities: (n) => `and ${n} more ${n === 1 ? 'community' : 'communities'}`,
  pageOf: (n) => `Page ${n}`,
  newer: 'Newer months',
  older: 'Older months',
  badPage: 'page must be a whole number from 1',
};

const fr: EarningsMessages = {
  title: 'Vos revenus',
  intro: 'Ce que les soutiens vous ont envoyé par leurs flattrs, mois par mois, une fois chaque mois réglé.',
  balance: 'Solde',
  balanceNone: 'Rien pour l’instant.',
  balanceHint: 'Les flattrs réglés vers vos comptes, et le séquestre que vous avez réclamé.',
  accounts: 'Vos comptes',
  account: 'Compte',
  received: 'Reçu',
  nothingYet: 'rien pour l’instant',
  escrow: 'Encore en séquestre',
  escrowIntro: 'De l’argent envoyé avant que vous ne réclamiez ce compte. Réclamez-le pour le verser sur votre solde.',
  escrowUntil: (date) => `retourne aux soutiens à partir du ${date}`,
  months: 'Reçu par mois',
  monthsNone: 'Aucun mois réglé ne vous a encore rien apporté.',
  month: 'Mois',
  flattrs: 'Flattrs',
  flattrCount: (n) => `${n} ${n <= 1 ? 'flattr' : 'flattrs'}`,
  supporters: 'Soutiens',
  community: 'Où',
  noCommunity: (p) => `${p} (sans communauté)`,
  moreCommunities: (n) => `et ${n} autre${n === 1 ? ' communauté' : 's communautés'}`,
  pageOf: (n) => `Page ${n}`,
  newer: 'Mois plus récents',
  older: 'Mois plus anciens',
  badPage: 'page doit être un nombre entier à partir de 1',
};

export const EARNINGS_MESSAGES: Record<WebLocale, EarningsMessages> = { en, fr };
