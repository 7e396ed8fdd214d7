import type { WebLocale } from '../../../web/pick-locale.js';

/** The payouts section of /earnings, in every language the web speaks. */
export type PayoutsMessages = {
  heading: string;
  intro(minimum: string): string;
  notConnected: string;
  connect: string;
  pending: string;
  needs(list: string): string;
  continueSetup: string;
  ready: string;
  returned: string;
  partlyReturned(amount: string): string;
  retry: string;
  none: string;
  date: string;
  amount: string;
  status: string;
  statuses: Record<'pending' | 'paid' | 'returned', string>;
};

export const PAYOUTS_MESSAGES: Record<WebLocale, PayoutsMessages> = {
  en: {
    heading: 'Payouts',
    intro: (minimum) => `Once a month, after the settlement, your balance is sent to your Stripe account when it reaches ${minimum}.`,
    notConnected: 'No Stripe account is connected yet: connect one to be paid.',
    connect: 'Connect a Stripe account',
    pending: 'Your Stripe account is connected but cannot receive payouts yet.',
    needs: (list) => `Stripe still needs: ${list}.`,
    continueSetup: 'Continue the Stripe setup',
    ready: 'Your Stripe account is connected and receives payouts.',
    returned: 'Stripe could not pay this; the money is back in your balance.',
    partlyReturned: (amount) => `Stripe took back ${amount} of it; that is back in your balance.`,
    retry: 'The Stripe setup was interrupted; you can continue it.',
    none: 'No payouts yet.',
    date: 'Date',
    amount: 'Amount',
    status: 'Status',
    statuses: { pending: 'being sent', paid: 'paid', returned: 'returned to your balance' },
  },
  fr: {
    heading: 'Versements',
    intro: (minimum) => `Une fois par mois, après le règlement, votre solde est versé sur votre compte Stripe dès qu’il atteint ${minimum}.`,
    notConnected: 'Aucun compte Stripe n’est encore relié : reliez-en un pour être payé.',
    connect: 'Relier un compte Stripe',
    pending: 'Votre compte Stripe est relié mais ne peut pas encore recevoir de versements.',
    needs: (list) => `Stripe demande encore : ${list}.`,
    continueSetup: 'Reprendre la configuration Stripe',
    ready: 'Votre compte Stripe est relié et reçoit les versements.',
    returned: 'Stripe n’a pas pu verser ce montant ; il est revenu sur votre solde.',
    partlyReturned: (amount) => `Stripe en a repris ${amount} ; ce montant est revenu sur votre solde.`,
    retry: 'La configuration Stripe a été interrompue ; vous pouvez la reprendre.',
    none: 'Aucun versement pour l’instant.',
    date: 'Date',
    amount: 'Montant',
    status: 'État',
    statuses: { pending: 'en cours d’envoi', paid: 'versé', returned: 'revenu sur votre solde' },
  },
};
