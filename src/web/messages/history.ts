import type { WebLocale } from '../pick-locale.js';

/** The history pages' words (src/web/routes/history-page.ts). */
export type HistoryMessages = {
  title: string;
  intro: string;
  none: string;
  downloadAll: string;
  downloadMonth(month: string): string;
  month(month: string): string;
  charged: string;
  fee: string;
  flattrs: string;
  budget: string;
  notCharged: string;
  recipient: string;
  amount: string;
  waiting: string;
  moreRecipients(count: number): string;
  allMonths: string;
  notSettled(period: string): string;
};

const en: HistoryMessages = {
  title: 'History',
  intro: 'What each settled month took from your wallet, the fee, and what each creator received from you.',
  none: 'No month of yours has been settled yet.',
  downloadAll: 'Download every month (CSV)',
  downloadMonth: (month) => `Download ${month} (CSV)`,
  month: (month) => month,
  charged: 'Charged',
  fee: 'Fee',
  flattrs: 'Flattrs',
  budget: 'Budget',
  notCharged: 'Nothing was charged this month.',
  recipient: 'Creator',
  amount: 'Received',
  waiting: 'held until they join',
  moreRecipients: (count) => `See all ${count} creators`,
  allMonths: 'All months',
  notSettled: (period) => `You have no settled month ${period}.`,
};

const fr: HistoryMessages = {
  title: 'Historique',
  intro: 'Ce que chaque mois partagé a pris sur votre portefeuille, la commission, et ce que chaque créateur a reçu de vous.',
  none: 'Aucun de vos mois n’a encore été partagé.',
  downloadAll: 'Télécharger tous les mois (CSV)',
  downloadMonth: (month) => `Télécharger ${month} (CSV)`,
  month: (month) => month.charAt(0).toUpperCase() + month.slice(1),
  charged: 'Prélevé',
  fee: 'Commission',
  flattrs: 'Flattrs',
  budget: 'Budget',
  notCharged: 'Rien n’a été prélevé ce mois-ci.',
  recipient: 'Créateur',
  amount: 'Reçu',
  waiting: 'conservé jusqu’à son arrivée',
  moreRecipients: (count) => `Voir les ${count} créateurs`,
  allMonths: 'Tous les mois',
  notSettled: (period) => `Vous n’avez pas de mois ${period} partagé.`,
};

export const HISTORY_MESSAGES: Record<WebLocale, HistoryMessages> = { en, fr };
