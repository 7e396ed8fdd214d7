import type { TopupRefusal } from '../payments/topups/create-topup.js';
import type { ChatLocale } from './chat-types.js';

/** `/flattr topup <amount>`'s replies. */
export type TopupChatMessages = {
  link(amount: string, url: string): string;
  usage: string;
  unavailable: string;
  notJoined: string;
  refused: Record<TopupRefusal, (typed: string, limit: string) => string>;
  stripeDown: string;
  badCurrency(typed: string): string;
};

const en: TopupChatMessages = {
  link: (amount, url) => `Pay ${amount} into your wallet on Stripe's page (for you only; the hub never sees your card): ${url}\nYour wallet is credited once Stripe confirms the payment.`,
  usage: 'Say how much, e.g. `/flattr topup 20` or `/flattr topup 20.50`. Nothing was changed.',
  unavailable: 'Top-ups by card are not set up on this hub: ask its operator to add money to your wallet. Nothing was changed.',
  notJoined: 'Join first with `/flattr join` (or `/flattr budget 35`), then top up your wallet. Nothing was changed.',
  refused: {
    amount_format: (typed) => `"${typed}" is not an amount: write digits with a "." before the cents, e.g. 20.50. Nothing was changed.`,
    below_minimum: (_typed, limit) => `A top-up is at least ${limit}. Nothing was changed.`,
    above_maximum: (_typed, limit) => `A top-up is at most ${limit}. Nothing was changed.`,
    other_currency: (_typed, wallet) => `Your wallet is in ${wallet}: top-ups are in ${wallet} only (money is never converted). Nothing was changed.`,
    stripe_refused: (_typed, stripe) => `Stripe refused it: ${stripe} Nothing was charged.`,
  },
  stripeDown: 'Stripe could not be reached. Nothing was charged; please try again in a moment.',
  badCurrency: (typed) => `"${typed}" is not a currency code (e.g. EUR). Nothing was changed.`,
};

const fr: TopupChatMessages = {
  link: (amount, url) => `Versez ${amount} sur votre portefeuille sur la page de Stripe (pour vous seul ; le hub ne voit jamais votre carte) : ${url}\nVotre portefeuille est crédité dès que Stripe confirme le paiement.`,
  usage: 'Indiquez un montant, par exemple `/flattr topup 20` ou `/flattr topup 20.50`. Rien n\'a changé.',
  unavailable: 'Le paiement par carte n\'est pas configuré sur ce hub : demandez à son opérateur d\'alimenter votre portefeuille. Rien n\'a changé.',
  notJoined: 'Inscrivez-vous d\'abord avec `/flattr join` (ou `/flattr budget 35`), puis alimentez votre portefeuille. Rien n\'a changé.',
  refused: {
    amount_format: (typed) => `« ${typed} » n'est pas un montant : écrivez des chiffres avec un « . » avant les centimes, par exemple 20.50. Rien n'a changé.`,
    below_minimum: (_typed, limit) => `Un ajout est d'au moins ${limit}. Rien n'a changé.`,
    above_maximum: (_typed, limit) => `Un ajout est d'au plus ${limit}. Rien n'a changé.`,
    other_currency: (_typed, wallet) => `Votre portefeuille est en ${wallet} : les ajouts se font en ${wallet} uniquement (l'argent n'est jamais converti). Rien n'a changé.`,
    stripe_refused: (_typed, stripe) => `Stripe l'a refusé (en anglais) : ${stripe} Rien n'a été prélevé.`,
  },
  stripeDown: 'Stripe est injoignable. Rien n\'a été prélevé ; réessayez dans un instant.',
  badCurrency: (typed) => `« ${typed} » n'est pas un code de devise (par exemple EUR). Rien n'a changé.`,
};

export const TOPUP_CHAT_MESSAGES: Record<ChatLocale, TopupChatMessages> = { en, fr };
