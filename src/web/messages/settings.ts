import type { WebLocale } from '../pick-locale.js';
import type { SettingsRefusalReason } from '../settings/settings-refusal.js';

/** The settings page's words (src/web/routes/settings-page.ts). */
export type SettingsMessages = {
  title: string;
  notJoined: string;
  saved: string;
  disconnected: string;
  tokenRevoked: string;
  problem: string;
  flattring: string;
  platformsLegend: string;
  platformsHint: string;
  platform(name: string): string;
  emojiLegend: string;
  emojiDefault(list: string): string;
  emojiAny: string;
  emojiCustom: string;
  emojiCustomLabel: string;
  emojiHint: string;
  communities: string;
  communitiesHint: string;
  noCommunities: string;
  allowLegend: string;
  allowHint: string;
  blockLegend: string;
  allowMore: string;
  blockMore: string;
  moreHint: string;
  messages: string;
  statement: string;
  mentions: string;
  save: string;
  accounts: string;
  accountsIntro: string;
  platformColumn: string;
  accountColumn: string;
  actions: string;
  disconnect(who: string): string;
  onlyAccount: string;
  connect(platform: string): string;
  connectHint: string;
  disconnectRefused: { last_identity: string; settling(period: string): string; not_found: string };
  tokens: string;
  tokensIntro: string;
  tokenName: string;
  tokenCreated: string;
  tokenLastUsed: string;
  never: string;
  revoke(name: string): string;
  noTokens: string;
  newTokenLabel: string;
  newTokenHint: string;
  create: string;
  createdOnce(name: string): string;
  tokenLabel: string;
  badTokenName: string;
  tokenNotFound: string;
  errors: Record<SettingsRefusalReason, (value: string) => string>;
};

const en: SettingsMessages = {
  title: 'Settings',
  notJoined: 'You are not a supporter yet. Saving these settings makes you one, flattring nothing until you set a budget on This month.',
  saved: 'Your settings are saved.',
  disconnected: 'The account is disconnected. What it earned while connected stays in your balance; from now on its earnings wait in escrow until someone signs in with it.',
  tokenRevoked: 'The token is revoked: scripts using it are refused from now on.',
  problem: 'Nothing was changed:',
  flattring: 'What becomes a flattr',
  platformsLegend: 'Platforms',
  platformsHint: 'Your likes and reactions count only on the platforms you turn on.',
  platform: (name) => `Count my likes on ${name}`,
  emojiLegend: 'Reactions that flattr (Slack and Discord)',
  emojiDefault: (list) => `The default ones: ${list}`,
  emojiAny: 'Any reaction',
  emojiCustom: 'Only these:',
  emojiCustomLabel: 'Your reactions',
  emojiHint: 'Names or emoji, separated by spaces: star heart :tada: 🔥',
  communities: 'Communities',
  communitiesHint: 'Slack workspaces and Discord servers where you liked something or have an account.',
  noCommunities: 'None seen yet: add one by its id below.',
  allowLegend: 'Only count these (leave all unticked to count everywhere)',
  allowHint: 'When you tick some, likes in every other community are ignored.',
  blockLegend: 'Never count these',
  allowMore: 'Also only count these ids',
  blockMore: 'Also never count these ids',
  moreHint: 'A Slack workspace id (T024BE7LD) or a Discord server id (41771983423143937), separated by spaces.',
  messages: 'Messages from the bot',
  statement: 'Send me a statement by direct message after each month',
  mentions: 'Mention (ping) me in payout messages; off: name me without a ping',
  save: 'Save settings',
  accounts: 'Connected accounts',
  accountsIntro: 'Likes from each of these count as yours, and what they receive goes to your balance.',
  platformColumn: 'Platform',
  accountColumn: 'Account',
  actions: 'Actions',
  disconnect: (who) => `Disconnect ${who}`,
  onlyAccount: 'This is your only account: you sign in with it, so it cannot be disconnected.',
  connect: (platform) => `Connect a ${platform} account`,
  connectHint: 'Signing in with another account while signed in here connects it to you. In chat, /flattr link does the same.',
  disconnectRefused: {
    last_identity: 'That is your only account, and you sign in with it: connect another one first.',
    settling: (period) => `The ${period} settlement is still crediting this account to you. Try again once it is settled.`,
    not_found: 'You have no such account.',
  },
  tokens: 'API tokens',
  tokensIntro: 'For your own scripts: send one as "Authorization: Bearer <token>" to /api/v1.',
  tokenName: 'Name',
  tokenCreated: 'Created',
  tokenLastUsed: 'Last used',
  never: 'never',
  revoke: (name) => `Revoke ${name}`,
  noTokens: 'You have no API tokens.',
  newTokenLabel: 'New token name',
  newTokenHint: 'Name it after the script that will use it.',
  create: 'Create token',
  createdOnce: (name) => `Your new token "${name}". Copy it now: it is shown this once and never again.`,
  tokenLabel: 'Token',
  badTokenName: 'Give the token a name (up to 100 characters).',
  tokenNotFound: 'You have no such token.',
  errors: {
    emoji_empty: () => 'Name at least one reaction, or choose the default ones or any reaction.',
    emoji_invalid: (v) => `"${v}" is not an emoji: write names like star or :heart:, or emoji like ⭐.`,
    community_invalid: (v) => `"${v}" is not a community id: a Slack workspace id (T024BE7LD) or a Discord server id (41771983423143937).`,
    community_both: (v) => `${v} cannot be both allowed and blocked: choose one.`,
    too_many: (v) => `${v} is too many: at most 100.`,
    not_joined: () => 'Statements are for supporters: turn a platform on or set a budget first.',
  },
};

const fr: SettingsMessages = {
  title: 'Réglages',
  notJoined: 'Vous n’êtes pas encore soutien. Enregistrer ces réglages vous le rend, sans rien flattrer tant que vous n’avez pas fixé de budget dans Ce mois-ci.',
  saved: 'Vos réglages sont enregistrés.',
  disconnected: 'Le compte est déconnecté. Ce qu’il a reçu pendant qu’il était connecté reste sur votre solde ; désormais ses gains attendent sous séquestre que quelqu’un se connecte avec lui.',
  tokenRevoked: 'Le jeton est révoqué : les scripts qui l’utilisent sont refusés désormais.',
  problem: 'Rien n’a été modifié :',
  flattring: 'Ce qui devient un flattr',
  platformsLegend: 'Plateformes',
  platformsHint: 'Vos j’aime et réactions ne comptent que sur les plateformes que vous activez.',
  platform: (name) => `Compter mes j’aime sur ${name}`,
  emojiLegend: 'Réactions qui flattrent (Slack et Discord)',
  emojiDefault: (list) => `Celles par défaut : ${list}`,
  emojiAny: 'N’importe quelle réaction',
  emojiCustom: 'Seulement celles-ci :',
  emojiCustomLabel: 'Vos réactions',
  emojiHint: 'Des noms ou des emoji, séparés par des espaces : star heart :tada: 🔥',
  communities: 'Communautés',
  communitiesHint: 'Les espaces Slack et serveurs Discord où vous avez aimé quelque chose ou avez un compte.',
  noCommunities: 'Aucune pour l’instant : ajoutez-en une par son identifiant ci-dessous.',
  allowLegend: 'Ne compter que celles-ci (ne rien cocher pour compter partout)',
  allowHint: 'Si vous en cochez, les j’aime de toutes les autres communautés sont ignorés.',
  blockLegend: 'Ne jamais compter celles-ci',
  allowMore: 'Ne compter aussi que ces identifiants',
  blockMore: 'Ne jamais compter non plus ces identifiants',
  moreHint: 'Un identifiant d’espace Slack (T024BE7LD) ou de serveur Discord (41771983423143937), séparés par des espaces.',
  messages: 'Messages du bot',
  statement: 'M’envoyer un relevé en message privé après chaque mois',
  mentions: 'Me mentionner (notifier) dans les messages de paiement ; sinon me nommer sans notification',
  save: 'Enregistrer les réglages',
  accounts: 'Comptes connectés',
  accountsIntro: 'Les j’aime de chacun de ces comptes comptent comme les vôtres, et ce qu’ils reçoivent va sur votre solde.',
  platformColumn: 'Plateforme',
  accountColumn: 'Compte',
  actions: 'Actions',
  disconnect: (who) => `Déconnecter ${who}`,
  onlyAccount: 'C’est votre seul compte : vous vous connectez avec lui, il ne peut donc pas être déconnecté.',
  connect: (platform) => `Connecter un compte ${platform}`,
  connectHint: 'Vous connecter avec un autre compte pendant que vous êtes connecté ici le relie à vous. Dans le chat, /flattr link fait de même.',
  disconnectRefused: {
    last_identity: 'C’est votre seul compte, et vous vous connectez avec lui : connectez-en d’abord un autre.',
    settling: (period) => `Le partage de ${period} crédite encore ce compte à votre nom. Réessayez quand il sera terminé.`,
    not_found: 'Vous n’avez pas ce compte.',
  },
  tokens: 'Jetons d’API',
  tokensIntro: 'Pour vos propres scripts : envoyez-en un dans « Authorization: Bearer <jeton> » à /api/v1.',
  tokenName: 'Nom',
  tokenCreated: 'Créé',
  tokenLastUsed: 'Dernière utilisation',
  never: 'jamais',
  revoke: (name) => `Révoquer ${name}`,
  noTokens: 'Vous n’avez aucun jeton d’API.',
  newTokenLabel: 'Nom du nouveau jeton',
  newTokenHint: 'Donnez-lui le nom du script qui l’utilisera.',
  create: 'Créer le jeton',
  createdOnce: (name) => `Votre nouveau jeton « ${name} ». Copiez-le maintenant : il n’est affiché que cette fois.`,
  tokenLabel: 'Jeton',
  badTokenName: 'Donnez un nom au jeton (100 caractères au plus).',
  tokenNotFound: 'Vous n’avez pas ce jeton.',
  errors: {
    emoji_empty: () => 'Nommez au moins une réaction, ou choisissez celles par défaut ou n’importe laquelle.',
    emoji_invalid: (v) => `« ${v} » n’est pas un emoji : écrivez des noms comme star ou :heart:, ou des emoji comme ⭐.`,
    community_invalid: (v) => `« ${v} » n’est pas un identifiant de communauté : un espace Slack (T024BE7LD) ou un serveur Discord (41771983423143937).`,
    community_both: (v) => `${v} ne peut pas être à la fois autorisée et bloquée : choisissez.`,
    too_many: (v) => `${v}, c’est trop : 100 au plus.`,
    not_joined: () => 'Les relevés sont pour les soutiens : activez d’abord une plateforme ou fixez un budget.',
  },
};

export const SETTINGS_MESSAGES: Record<WebLocale, SettingsMessages> = { en, fr };
