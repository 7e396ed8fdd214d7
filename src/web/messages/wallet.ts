import type { WebLocale } from '../pick-locale.js';

/** The wallet page's words (src/web/routes/wallet-page.ts). */
export type WalletMessages = {
  title: string;
  balance: string;
  empty: string;
  movements: string;
  none: string;
  date: string;
  what: string;
  amount: string;
  kinds: { funding: string; settlement(month: string): string; escrow_release: string; other(kind: string): string };
  older: string;
  newest: string;
};

const en: WalletMessages = {
  title: 'Wallet',
  balance: 'Balance',
  empty: 'Your wallet is empty.',
  movements: 'Movements, newest first',
  none: 'No money has moved in or out of your wallet yet.',
  date: 'Date',
  what: 'What',
  amount: 'Amount',
  kinds: {
    funding: 'Money added',
    settlement: (month) => `Charged for ${month}`,
    escrow_release: 'Given back: a creator did not collect in time',
    other: (kind) => kind,
  },
  older: 'Older movements',
  newest: 'Newest movements',
};

const fr: WalletMessages = {
  title: 'Portefeuille',
  balance: 'Solde',
  empty: 'Votre portefeuille est vide.',
  movements: 'Mouvements, les plus récents d’abord',
  none: 'Aucun argent n’est encore entré ni sorti de votre portefeuille.',
  date: 'Date',
  what: 'Quoi',
  amount: 'Montant',
  kinds: {
    funding: 'Argent ajouté',
    settlement: (month) => `Prélevé pour ${month}`,
    escrow_release: 'Rendu : un créateur ne l’a pas récupéré à temps',
    other: (kind) => kind,
  },
  older: 'Mouvements plus anciens',
  newest: 'Mouvements les plus récents',
};

export const WALLET_MESSAGES: Record<WebLocale, WalletMessages> = { en, fr };
