import type { WebLocale } from '../pick-locale.js';

/** The wallet page's monthly top-up section (src/web/topup/render-monthly-topup.ts). */
export type MonthlyTopupMessages = {
  heading: string;
  offText(budget: string): string;
  start: string;
  onText(budget: string, card: string | null): string;
  stop: string;
  /** When on: save another card, which replaces the one charged. */
  replace: string;
  back: { on: string; cancelled: string; off: string };
  noBudget: string;
  stripeDown: string;
  last: { paid(month: string, amount: string): string; open(month: string, amount: string): string; failed(month: string, amount: string, why: string): string };
  /** Why a charge failed, by Stripe's code; any other is shown as Stripe wrote it. */
  reasons: { authentication_required: string; card_declined: string; expired_card: string };
};

const en: MonthlyTopupMessages = {
  heading: 'Top up my budget every month',
  offText: (budget) => `Save a card with Stripe and, at the start of each month, your wallet is topped up by your monthly budget (now ${budget}) unless it already holds that much. You can turn it off at any time.`,
  start: 'Top up my budget every month',
  onText: (budget, card) => `On: at the start of each month your ${card ? `card (${card})` : 'saved card'} is charged your budget, now ${budget}, unless your wallet already holds that much.`,
  stop: 'Turn off the monthly top-up',
  replace: 'Use another card',
  back: {
    on: 'Thank you: your card is saved. The monthly top-up is on as soon as Stripe confirms it, usually within a minute.',
    cancelled: 'Nothing was saved: the monthly top-up stays off.',
    off: 'The monthly top-up is off: your card will not be charged again.',
  },
  noBudget: 'Your monthly budget is 0: set a budget first (in Settings), the monthly top-up charges that amount.',
  stripeDown: 'Stripe could not be reached. Nothing was changed; please try again in a moment.',
  last: {
    paid: (month, amount) => `${month}: ${amount} added.`,
    open: (month, amount) => `${month}: ${amount} charged, waiting for Stripe’s confirmation.`,
    failed: (month, amount, why) => `${month}: the charge of ${amount} failed: ${why} It is not tried again this month: add money above, or use another card below.`,
  },
  reasons: {
    authentication_required: 'your bank asks you to confirm the payment yourself.',
    card_declined: 'your card was declined.',
    expired_card: 'your card has expired.',
  },
};

const fr: MonthlyTopupMessages = {
  heading: 'Recharger mon budget chaque mois',
  offText: (budget) => `Enregistrez une carte chez Stripe et, au début de chaque mois, votre portefeuille est rechargé de votre budget mensuel (actuellement ${budget}), sauf s’il contient déjà autant. Vous pouvez l’arrêter à tout moment.`,
  start: 'Recharger mon budget chaque mois',
  onText: (budget, card) => `Activé : au début de chaque mois, votre ${card ? `carte (${card})` : 'carte enregistrée'} est débitée de votre budget, actuellement ${budget}, sauf si votre portefeuille contient déjà autant.`,
  stop: 'Arrêter la recharge mensuelle',
  replace: 'Utiliser une autre carte',
  back: {
    on: 'Merci : votre carte est enregistrée. La recharge mensuelle est activée dès que Stripe le confirme, en général en moins d’une minute.',
    cancelled: 'Rien n’a été enregistré : la recharge mensuelle reste arrêtée.',
    off: 'La recharge mensuelle est arrêtée : votre carte ne sera plus débitée.',
  },
  noBudget: 'Votre budget mensuel est de 0 : choisissez d’abord un budget (dans Réglages), c’est ce montant que la recharge mensuelle débite.',
  stripeDown: 'Stripe est injoignable. Rien n’a changé ; réessayez dans un instant.',
  last: {
    paid: (month, amount) => `${month} : ${amount} ajoutés.`,
    open: (month, amount) => `${month} : ${amount} débités, en attente de la confirmation de Stripe.`,
    failed: (month, amount, why) => `${month} : le débit de ${amount} a échoué : ${why} Il n’est pas retenté ce mois-ci : ajoutez de l’argent ci-dessus, ou utilisez une autre carte ci-dessous.`,
  },
  reasons: {
    authentication_required: 'votre banque demande que vous confirmiez vous-même le paiement.',
    card_declined: 'votre carte a été refusée.',
    expired_card: 'votre carte a expiré.',
  },
};

export const MONTHLY_TOPUP_MESSAGES: Record<WebLocale, MonthlyTopupMessages> = { en, fr };
