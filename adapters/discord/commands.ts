import { InteractionContextType, SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

/**
 * The `/flattr` application command: one subcommand per chat word of
 * docs/contracts.md, with the same arguments as the Slack text, so both
 * platforms feed one parser (src/chat). Option order here is the word order
 * of the text line.
 */
const SUBCOMMANDS: { name: string; description: string; options?: { name: string; description: string; required?: boolean; choices?: string[] }[] }[] = [
  { name: 'join', description: 'Become a supporter: set a monthly budget next' },
  { name: 'budget', description: 'Set your monthly budget', options: [
    { name: 'amount', description: 'e.g. 35 or 35.50', required: true },
    { name: 'currency', description: 'ISO 4217 code, e.g. EUR' },
  ] },
  { name: 'on', description: 'Turn flattring on (everywhere, or on one platform)', options: [
    { name: 'platform', description: 'Only this platform', choices: ['discord', 'slack', 'twitter'] },
  ] },
  { name: 'off', description: 'Turn flattring off (everywhere, or on one platform)', options: [
    { name: 'platform', description: 'Only this platform', choices: ['discord', 'slack', 'twitter'] },
  ] },
  { name: 'emoji', description: 'Which reactions flattr', options: [
    { name: 'emojis', description: 'Emoji separated by spaces, or "any", or "default"', required: true },
  ] },
  { name: 'status', description: 'Your budget, opt-ins and flattrs this month' },
  { name: 'undo', description: 'Take back a flattr', options: [
    { name: 'item', description: 'A message link or item', required: true },
  ] },
  { name: 'link', description: 'Tie this account to your account on another platform', options: [
    { name: 'code', description: 'The code /flattr link gave you on the other platform' },
    { name: 'confirm', description: 'After reading what linking does: confirm it', choices: ['confirm'] },
  ] },
  { name: 'login', description: 'A sign-in link for the dashboard' },
  { name: 'topup', description: 'Add money to your wallet: a payment link (card, through Stripe)', options: [
    { name: 'amount', description: 'e.g. 20 or 20.50', required: true },
    { name: 'currency', description: 'Your wallet\'s currency (the only one accepted), e.g. EUR' },
  ] },
  { name: 'channel', description: 'Admins: post payout notices in this channel', options: [
    { name: 'off', description: 'Stop payout digests in this server instead', choices: ['off'] },
  ] },
  { name: 'statement', description: 'Your monthly statement by DM', options: [
    { name: 'setting', description: 'on or off', required: true, choices: ['on', 'off'] },
  ] },
  { name: 'mentions', description: 'Whether payout digests mention (ping) you', options: [
    { name: 'setting', description: 'on or off', required: true, choices: ['on', 'off'] },
  ] },
  { name: 'help', description: 'What /flattr can do' },
];

export function flattrCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const command = new SlashCommandBuilder().setName('flattr').setDescription('Flattr what you like with a monthly budget')
    // Guild channels only: a reaction's community is its guild, and replies are ephemeral anyway.
    .setContexts(InteractionContextType.Guild);
  for (const sub of SUBCOMMANDS) {
    command.addSubcommand((s) => {
      s.setName(sub.name).setDescription(sub.description);
      for (const o of sub.options ?? []) {
        s.addStringOption((opt) => {
          opt.setName(o.name).setDescription(o.description).setRequired(o.required ?? false);
          if (o.choices) opt.addChoices(...o.choices.map((c) => ({ name: c, value: c })));
          return opt;
        });
      }
      return s;
    });
  }
  return command.toJSON();
}

export type SubcommandData = { name: string; options?: readonly { name: string; value?: unknown }[] };

/**
 * The text line a subcommand stands for ("budget 35 EUR"), in definition order;
 * undefined for a subcommand this definition does not know (an outdated registration).
 */
export function commandLine(sub: SubcommandData): string | undefined {
  const definition = SUBCOMMANDS.find((s) => s.name === sub.name);
  if (!definition) return undefined;
  const values = (definition.options ?? []).flatMap((o) => {
    const value = sub.options?.find((given) => given.name === o.name)?.value;
    return typeof value === 'string' && value.trim() !== '' ? [value.trim()] : [];
  });
  return [sub.name, ...values].join(' ');
}
