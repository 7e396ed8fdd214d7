import type { ChatLocale } from '../chat/chat-types.js';
import type { Markup } from './markup.js';

/** Every sentence of the notices, per locale. Amounts, dates and names come formatted; `k` is the platform's markup. */
export type NoticeTexts = {
  digestTitle(period: string, part?: string): string;
  digestIntro(where: 'slack' | 'discord', creators: number): string;
  digestLine(who: string, amount: string, supporters: number): string;
  digestUnclaimed(date: string, k: Markup): string;
  remindersTitle: string;
  reminderLine(who: string, amount: string, date: string, k: Markup): string;
  digestFooter(k: Markup): string;
  someone: string;
  statementTitle(period: string): string;
  fromBot: string;
  charged(charged: string, fee: string, flattrs: number): string;
  nothingCharged(flattrs: number): string;
  topRecipients(list: string, more: number): string;
  unspent(unspent: string, budget: string, short: boolean): string;
  statementFooter(k: Markup): string;
  creatorTitle(period: string): string;
  creatorLine(platform: string, community: string, amount: string, supporters: number): string;
  balance(amounts: string): string;
  userOn(platform: string, id: string): string;
  /** Someone from another platform, by handle: "xdevelopers on X". */
  handleOn(handle: string, platform: string): string;
  community(platform: string, id: string): string;
};

const PLATFORM_NAMES: Record<string, string> = { slack: 'Slack', discord: 'Discord', twitter: 'X' };
const platformName = (p: string) => PLATFORM_NAMES[p] ?? p;
const s = (n: number) => (n === 1 ? '' : 's');

const en: NoticeTexts = {
  digestTitle: (p, part) => `flattr-hub payouts for ${p}${part ? ` (${part})` : ''}`,
  digestIntro: (where, n) => `An automatic message from the flattr-hub bot. Supporters ${where === 'slack' ? 'in this workspace' : 'on this server'} flattred ${n} creator${s(n)}:`,
  digestLine: (who, amount, n) => `• ${who}: ${amount} from ${n} supporter${s(n)}`,
  digestUnclaimed: (date, k) => `, not collected yet: ${k.code('/flattr join')} before ${date}, or it goes back to the supporters`,
  remindersTitle: 'Last reminder, money still waiting:',
  reminderLine: (who, amount, date, k) => `• ${who}: ${amount}, ${k.code('/flattr join')} before ${date}, or it goes back to the supporters`,
  digestFooter: (k) => `${k.code('/flattr mentions off')}: be named without a ping · admins: ${k.code('/flattr channel')} in another channel, or ${k.code('/flattr channel off')}`,
  someone: 'a creator who asked not to be mentioned',
  statementTitle: (p) => `Your flattr-hub statement for ${p}`,
  fromBot: 'An automatic message from the flattr-hub bot.',
  charged: (c, fee, n) => `Charged ${c} for ${n} flattr${s(n)}, of which ${fee} is the hub's fee.`,
  nothingCharged: (n) => `Nothing was charged: your wallet was empty, so your ${n} flattr${s(n)} sent nothing this month.`,
  topRecipients: (list, more) => `Where it went: ${list}${more > 0 ? ` and ${more} more` : ''}.`,
  unspent: (u, b, short) => `Budget ${b}, unspent ${u}${short ? ': your wallet held less than your budget' : ''}.`,
  statementFooter: (k) => `${k.code('/flattr statement off')} stops these messages · ${k.code('/flattr status')} shows your budget and wallet`,
  creatorTitle: (p) => `What you received through flattr-hub for ${p}`,
  creatorLine: (platform, community, amount, n) => `• ${platformName(platform)}, ${community}: ${amount} from ${n} supporter${s(n)}`,
  balance: (a) => `Your balance is now ${a}.`,
  userOn: (platform, id) => `${platformName(platform)} user ${id}`,
  handleOn: (handle, platform) => `${handle} on ${platformName(platform)}`,
  community: (platform, id) => (platform === 'slack' ? `workspace ${id}` : platform === 'discord' ? `server ${id}` : 'likes'),
};

const fr: NoticeTexts = {
  digestTitle: (p, part) => `Versements flattr-hub · ${p}${part ? ` (${part})` : ''}`,
  digestIntro: (where, n) => `Message automatique du bot flattr-hub. Les donateurs ${where === 'slack' ? 'de cet espace de travail' : 'de ce serveur'} ont flattré ${n} créateur${s(n)} :`,
  digestLine: (who, amount, n) => `• ${who} : ${amount} de ${n} donateur${s(n)}`,
  digestUnclaimed: (date, k) => `, pas encore réclamé : ${k.code('/flattr join')} avant le ${date}, sinon la somme retourne aux donateurs`,
  remindersTitle: 'Dernier rappel, de l’argent attend encore :',
  reminderLine: (who, amount, date, k) => `• ${who} : ${amount}, ${k.code('/flattr join')} avant le ${date}, sinon la somme retourne aux donateurs`,
  digestFooter: (k) => `${k.code('/flattr mentions off')} : être nommé sans notification · admins : ${k.code('/flattr channel')} dans un autre salon, ou ${k.code('/flattr channel off')}`,
  someone: 'un créateur qui préfère ne pas être mentionné',
  statementTitle: (p) => `Votre relevé flattr-hub · ${p}`,
  fromBot: 'Message automatique du bot flattr-hub.',
  charged: (c, fee, n) => `Prélevé : ${c} pour ${n} flattr${s(n)}, dont ${fee} de frais du hub.`,
  nothingCharged: (n) => `Rien n’a été prélevé : votre portefeuille était vide, vos ${n} flattr${s(n)} n’ont donc rien envoyé ce mois-ci.`,
  topRecipients: (list, more) => `Destinataires : ${list}${more > 0 ? ` et ${more} autre${s(more)}` : ''}.`,
  unspent: (u, b, short) => `Budget ${b}, non dépensé ${u}${short ? ' : votre portefeuille contenait moins que votre budget' : ''}.`,
  statementFooter: (k) => `${k.code('/flattr statement off')} arrête ces messages · ${k.code('/flattr status')} montre votre budget et votre portefeuille`,
  creatorTitle: (p) => `Reçu via flattr-hub · ${p}`,
  creatorLine: (platform, community, amount, n) => `• ${platformName(platform)}, ${community} : ${amount} de ${n} donateur${s(n)}`,
  balance: (a) => `Votre solde est maintenant de ${a}.`,
  userOn: (platform, id) => `utilisateur ${platformName(platform)} ${id}`,
  handleOn: (handle, platform) => `${handle} sur ${platformName(platform)}`,
  community: (platform, id) => (platform === 'slack' ? `espace de travail ${id}` : platform === 'discord' ? `serveur ${id}` : 'j’aime'),
};

export const NOTICE_TEXTS: Record<ChatLocale, NoticeTexts> = { en, fr };
