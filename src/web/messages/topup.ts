import type { TopupRefusal } from '../../payments/topups/create-topup.js';
import type { WebLocale } from '../pick-locale.js';

/** The wallet page's top-up form and the wallet movements Stripe makes (src/web/topup/). */
export type TopupMessages = {
  heading: string;
  amount(currency: string): string;
  hint(minimum: string, maximum: string): string;
  pay: string;
  paid: string;
  cancelled: string;
  problem: string;
  refusals: Record<TopupRefusal, (value: string, limit: string) => string>;
  stripeDown: string;
  owed(amount: string): string;
  kinds: { topup: string; topup_reversal: string };
};

const en: TopupMessages = {
  heading: 'Add money',
  amount: (currency) => `Amount (${currency})`,
  hint: (minimum, maximum) => `From ${minimum} to ${maximum}, with a "." before the cents. You pay on Stripe’s page (the hub never sees your card); your wallet is credited as soon as Stripe confirms the payment.`,
  pay: 'Continue to payment with Stripe',
  paid: 'Thank you. Your wallet is credited as soon as Stripe confirms the payment, usually within a minute.',
  cancelled: 'Payment cancelled: nothing was charged.',
  problem: 'Not done:',
  refusals: {
    amount_format: (value) => `"${value}" is not an amount: write digits with a "." before the cents, e.g. 20.50.`,
    below_minimum: (_value, limit) => `a top-up is at least ${limit}.`,
    above_maximum: (_value, limit) => `a top-up is at most ${limit}.`,
    other_currency: () => 'top-ups are in your wallet’s currency only.',
    stripe_refused: (_value, stripe) => `Stripe refused it: ${stripe}`,
  },
  stripeDown: 'Stripe could not be reached. Nothing was charged; please try again in a moment.',
  owed: (amount) => `You owe ${amount}: a refund or a card dispute took back money your flattrs had already spent. Until it is settled your likes do not count as flattrs; your next top-up pays it first.`,
  kinds: { topup: 'Added by card (Stripe)', topup_reversal: 'Taken back: refund or dispute' },
};

const fr: TopupMessages = {
  heading: 'Ajouter de l’argent',
  amount: (currency) => `Montant (${currency})`,
  hint: (minimum, maximum) => `De ${minimum} à ${maximum}, avec un « . » avant les centimes. Vous payez sur la page de Stripe (le hub ne voit jamais votre carte) ; votre portefeuille est crédité dès que Stripe confirme le paiement.`,
  pay: 'Continuer vers le paiement avec Stripe',
  paid: 'Merci. Votre portefeuille est crédité dès que Stripe confirme le paiement, en général en moins d’une minute.',
  cancelled: 'Paiement annulé : rien n’a été prélevé.',
  problem: 'Non fait :',
  refusals: {
    amount_format: (value) => `« ${value} » n’est pas un montant : écrivez des chiffres avec un « . » avant les centimes, par exemple 20.50.`,
    below_minimum: (_value, limit) => `un ajout est d’au moins ${limit}.`,
    above_maximum: (_value, limit) => `un ajout est d’au plus ${limit}.`,
    other_currency: () => 'les ajouts se font dans la devise de votre portefeuille uniquement.',
    stripe_refused: (_value, stripe) => `Stripe l’a refusé (en anglais) : ${stripe}`,
  },
  stripeDown: 'Stripe est injoignable. Rien n’a été prélevé ; réessayez dans un instant.',
  owed: (amount) => `Vous devez ${amount} : un remboursement ou une contestation de paiement a repris de l’argent que vos flattrs avaient déjà dépensé. Tant que ce n’est pas réglé, vos réactions ne comptent pas comme flattrs ; votre prochain ajout le règle d’abord.`,
  kinds: { topup: 'Ajouté par carte (Stripe)', topup_reversal: 'Repris : remboursement ou litige' },
};

export const TOPUP_MESSAGES: Record<WebLocale, TopupMessages> = { en, fr };
