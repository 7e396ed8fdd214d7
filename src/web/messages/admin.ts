import type { PeriodStatus } from '../../settlement/period-status.js';
import type { WebLocale } from '../pick-locale.js';

/** The operator pages (/admin), in every language the web speaks. */
export type AdminMessages = {
  title: string;
  periods: string;
  period: string;
  status: string;
  statuses: Record<PeriodStatus, string>;
  supporters: string;
  flattrs: string;
  pending: string;
  started: string;
  finished: string;
  took(seconds: string): string;
  progress(settled: number, of: number): string;
  closesAt(when: string): string;
  details: string;
  dryRun: string;
  dryRunLabel(period: string): string;
  waiting(periods: string): string;
  nextClose(period: string, when: string): string;
  ledger: string;
  ledgerOk(checks: number): string;
  ledgerBroken(n: number): string;
  ledgerFailed(error: string): string;
  ledgerNone: string;
  ledgerWhen(when: string, trigger: string): string;
  triggers: Record<string, string>;
  tools: string;
  queues: string;
  metrics: string;
  periodTitle(period: string): string;
  run: string;
  noRun: string;
  notices: string;
  noticesNone: string;
  kind: string;
  reason: string;
  count: string;
  unsent: string;
  to: string;
  attempts: string;
  dryRunTitle(period: string): string;
  dryRunIntro: string;
  dryRunOpen(when: string): string;
  dryRunAlready(status: string): string;
  dryRunNothing: string;
  currency: string;
  charged: string;
  fees: string;
  credited: string;
  escrowed: string;
  charity: string;
  back: string;
};

const en: AdminMessages = {
  title: 'Operator',
  periods: 'Settlement runs',
  period: 'Period',
  status: 'Status',
  statuses: { open: 'open', 'closed-waiting': 'closed, waiting', closed: 'closed, nothing to settle', running: 'running', failed: 'failed', interrupted: 'interrupted', settled: 'settled' },
  supporters: 'Supporters',
  flattrs: 'Flattrs',
  pending: 'Pending flattrs',
  started: 'Started',
  finished: 'Finished',
  took: (s) => `took ${s} s`,
  progress: (settled, of) => `${settled} of ${of} supporters settled`,
  closesAt: (when) => `closes ${when}`,
  details: 'Details',
  dryRun: 'Dry run',
  dryRunLabel: (p) => `Dry run of ${p}: what settling it now would move, writing nothing`,
  waiting: (p) => `Waiting to be settled (oldest first): ${p}. A worker hub settles them when it starts and at each period close.`,
  nextClose: (p, when) => `Next period close: ${p} at ${when}.`,
  ledger: 'Ledger self-check',
  ledgerOk: (n) => `Every invariant holds (${n} checked).`,
  ledgerBroken: (n) => `${n} invariant${n === 1 ? '' : 's'} broken: run flattr ledger verify.`,
  ledgerFailed: (e) => `The last check could not run: ${e}`,
  ledgerNone: 'No self-check has run yet: a worker hub runs one after every settlement and daily at 04:30.',
  ledgerWhen: (when, trigger) => `Last checked ${when} (${trigger}).`,
  triggers: { settled: 'after a settlement', daily: 'daily check' },
  tools: 'Tools',
  queues: 'Queue dashboard (/admin/queues, admin token)',
  metrics: 'Metrics (/metrics, Prometheus)',
  periodTitle: (p) => `Period ${p}`,
  run: 'Run',
  noRun: 'No run yet.',
  notices: 'Notices',
  noticesNone: 'No notices for this period.',
  kind: 'Kind',
  reason: 'Reason',
  count: 'Count',
  unsent: 'Not sent',
  to: 'To',
  attempts: 'Attempts',
  dryRunTitle: (p) => `Dry run of ${p}`,
  dryRunIntro: 'What settling this period now would move, from today’s budgets and wallets. Nothing was written.',
  dryRunOpen: (when) => `The period is still open: this is what it would move if it ended now (it closes ${when}).`,
  dryRunAlready: (s) => `Note: its run is already ${s}.`,
  dryRunNothing: 'Nothing: no supporter has an active flattr in this period.',
  currency: 'Currency',
  charged: 'Charged',
  fees: 'Fees',
  credited: 'To creators',
  escrowed: 'To escrow',
  charity: 'To charity',
  back: 'Back to the settlement runs',
};

const fr: AdminMessages = {
  title: 'Exploitation',
  periods: 'Règlements',
  period: 'Période',
  status: 'État',
  statuses: { open: 'ouverte', 'closed-waiting': 'close, en attente', closed: 'close, rien à régler', running: 'en cours', failed: 'en échec', interrupted: 'interrompue', settled: 'réglée' },
  supporters: 'Soutiens',
  flattrs: 'Flattrs',
  pending: 'Flattrs en attente',
  started: 'Début',
  finished: 'Fin',
  took: (s) => `${s} s`,
  progress: (settled, of) => `${settled} soutiens réglés sur ${of}`,
  closesAt: (when) => `close le ${when}`,
  details: 'Détails',
  dryRun: 'Essai à blanc',
  dryRunLabel: (p) => `Essai à blanc de ${p} : ce que le règlement déplacerait maintenant, sans rien écrire`,
  waiting: (p) => `En attente de règlement (la plus ancienne d’abord) : ${p}. Un hub avec workers les règle au démarrage et à chaque clôture.`,
  nextClose: (p, when) => `Prochaine clôture : ${p} le ${when}.`,
  ledger: 'Auto-contrôle du grand livre',
  ledgerOk: (n) => `Tous les invariants tiennent (${n} contrôlés).`,
  ledgerBroken: (n) => `${n} invariant${n === 1 ? ' rompu' : 's rompus'} : lancez flattr ledger verify.`,
  ledgerFailed: (e) => `Le dernier contrôle n’a pas pu s’exécuter : ${e}`,
  ledgerNone: 'Aucun auto-contrôle pour l’instant : un hub avec workers en lance un après chaque règlement et chaque jour à 04:30.',
  ledgerWhen: (when, trigger) => `Dernier contrôle : ${when} (${trigger}).`,
  triggers: { settled: 'après un règlement', daily: 'contrôle quotidien' },
  tools: 'Outils',
  queues: 'Tableau des files (/admin/queues, jeton d’administration)',
  metrics: 'Métriques (/metrics, Prometheus)',
  periodTitle: (p) => `Période ${p}`,
  run: 'Règlement',
  noRun: 'Pas encore de règlement.',
  notices: 'Avis',
  noticesNone: 'Aucun avis pour cette période.',
  kind: 'Type',
  reason: 'Raison',
  count: 'Nombre',
  unsent: 'Non envoyés',
  to: 'Destinataire',
  attempts: 'Tentatives',
  dryRunTitle: (p) => `Essai à blanc de ${p}`,
  dryRunIntro: 'Ce que le règlement de cette période déplacerait maintenant, avec les budgets et portefeuilles du jour. Rien n’a été écrit.',
  dryRunOpen: (when) => `La période est encore ouverte : voici ce qu’elle déplacerait si elle se terminait maintenant (clôture le ${when}).`,
  dryRunAlready: (s) => `Remarque : son règlement est déjà ${s}.`,
  dryRunNothing: 'Rien : aucun soutien n’a de flattr actif dans cette période.',
  currency: 'Devise',
  charged: 'Prélevé',
  fees: 'Frais',
  credited: 'Aux créateurs',
  escrowed: 'En séquestre',
  charity: 'Aux œuvres',
  back: 'Retour aux règlements',
};

export const ADMIN_MESSAGES: Record<WebLocale, AdminMessages> = { en, fr };
