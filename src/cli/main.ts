import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { Config } from '../config.js';
import type { HubRole } from '../main.js';
import type { Runtime } from '../runtime.js';
import { redactText } from '../support/redact.js';
import { out } from './output.js';

// Only light modules above: `flattr --help` must answer at once. Each command's
// action imports what it needs (the config and zod, the hub, a database driver,
// BullMQ, a platform SDK) when it runs, so no command pays for another's packages.

/** SIGTERM ends the hub within 10 s whatever state Redis and the database are in (orchestrators kill at 10-30 s). */
const STOP_DEADLINE_MS = 6000;

/**
 * Errors the operator can fix: one line, no stack. Their modules load after a
 * failure, so --help never loads ioredis for RedisUnavailableError.
 */
async function expectedErrors(): Promise<Array<abstract new (...args: never[]) => Error>> {
  const [{ ConfigError }, { InvalidInputError }, { DatabaseInUseError }, { RedisUnavailableError }, { PeriodNotEndedError, SettlementInProgressError }] = await Promise.all([
    import('../config.js'), import('../domain/errors.js'), import('../db/pglite-lock.js'), import('../support/redis.js'), import('../settlement/errors.js'),
  ]);
  const [{ DatabaseUnavailableError }, { PortInUseError }] = await Promise.all([import('../db/database-unavailable-error.js'), import('../http/assert-port-free.js')]);
  return [InvalidInputError, ConfigError, RedisUnavailableError, DatabaseInUseError, PeriodNotEndedError, SettlementInProgressError, DatabaseUnavailableError, PortInUseError];
}

export function buildCli(run: (task: (config: Config) => Promise<number>) => Promise<void>): Command {
  const program = new Command('flattr')
    .description('flattr-hub: likes become flattrs; month-end settlement splits budgets exactly')
    .version(packageVersion(), '-V, --version', 'print the version of flattr-hub')
    // A refusal is one line (scripts read the first line of stderr): commander's "(Did you mean …?)" joins it.
    .configureOutput({ outputError: (message, write) => write(`${message.trim().split('\n').join(' ')}\n`) })
    .exitOverride();

  program.command('start')
    .description('run the hub: HTTP server, workers and every configured platform adapter')
    .addOption(new Option('--role <role>', 'which parts to run').choices(['api', 'worker', 'all']).default('all'))
    .action((o: { role: HubRole }) => run(async (config) => {
      const { startHub } = await import('../main.js');
      const hub = await startHub(config, { role: o.role });
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals) => {
          // A second signal means "now": the operator does not want to wait for the orderly stop.
          if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
          stopping = true;
          void hub.close({ deadlineMs: STOP_DEADLINE_MS }).then(resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      return 0;
    }));

  program.command('migrate')
    .description('apply database migrations (PostgreSQL or embedded PGlite)')
    .action(() => run(async (config) => {
      const [{ openDatabase }, { migrate }] = await Promise.all([import('../db/database.js'), import('../db/migrate.js')]);
      const { prisma, kind, close } = await openDatabase(config.database);
      try {
        const result = await migrate(prisma);
        out(`${kind}: ${result.applied.length} migration(s) applied${result.applied.length ? ` (${result.applied.join(', ')})` : ''}, ${result.alreadyApplied} already applied`);
        return 0;
      } finally {
        await close();
      }
    }));

  const likes = program.command('likes').description('like events');
  likes.command('import')
    .description('ingest NDJSON LikeEvents (one JSON object a line) through the live queue path; "-" reads standard input')
    .argument('<file>', 'NDJSON file, or - for standard input')
    .option('--json', 'print the summary as JSON')
    .action((file: string, o: { json?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/likes-import.js')).likesImportCommand(rt, file, o)));

  const wallet = program.command('wallet').description('supporter wallets');
  wallet.command('credit')
    .description("add money to a supporter's wallet (manual funding)")
    .requiredOption('--platform <platform>', 'twitter, discord or slack')
    .requiredOption('--external-id <id>', 'platform user id (Slack: TEAM:USER)')
    .requiredOption('--amount <amount>', 'decimal amount, e.g. 35.00')
    .option('--currency <code>', "ISO 4217 code (default: the supporter's currency)")
    .option('--idempotency-key <key>', 'names this credit: the same key again returns the first result, with other parameters it is refused')
    .action((o) => withRuntime(run, async (rt) => (await import('./commands/wallet-credit.js')).walletCreditCommand(rt, o)));

  const supporter = program.command('supporter').description('supporters (admin; chat commands do the same for users)');
  supporter.command('set')
    .description('create or change a supporter')
    .requiredOption('--platform <platform>', 'twitter, discord or slack')
    .requiredOption('--external-id <id>', 'platform user id (Slack: TEAM:USER)')
    .option('--budget <amount>', 'monthly budget, e.g. 35.00')
    .option('--currency <code>', 'ISO 4217 currency of the budget and wallet')
    .option('--on <platforms>', 'comma-separated platforms to opt in')
    .option('--off <platforms>', 'comma-separated platforms to opt out')
    .option('--emoji <names>', 'comma-separated trigger reactions, "any" or "default"')
    .addOption(new Option('--active', 'resume flattring').conflicts('inactive'))
    .addOption(new Option('--inactive', 'pause flattring').conflicts('active'))
    .option('--block <communities>', 'comma-separated community ids never to flattr in ("" clears)')
    .option('--allow <communities>', 'comma-separated community ids to flattr in only ("" clears)')
    .addOption(new Option('--locale <locale>', 'language of replies and notices').choices(['en', 'fr']))
    .action((o: Record<string, unknown>) => withRuntime(run, async (rt) => (await import('./commands/supporter-set.js')).supporterSetCommand(rt, {
      ...(o as { platform: string; externalId: string }),
      active: o.inactive ? false : o.active ? true : undefined,
    })));

  supporter.command('show')
    .description("a supporter's money: budget, wallet, flattrs not settled yet (and their creator side, if any)")
    .requiredOption('--platform <platform>', 'twitter, discord or slack')
    .requiredOption('--external-id <id>', 'platform user id (Slack: TEAM:USER)')
    .option('--json', 'print it as JSON')
    .action((o: { platform: string; externalId: string; json?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/person-show.js')).personShowCommand(rt, 'supporter', o)));

  program.command('creator').description('creators (anyone flattred, joined or not)')
    .command('show')
    .description("a creator's money: balance, last period's income, escrow waiting per identity and until when")
    .requiredOption('--platform <platform>', 'twitter, discord or slack')
    .requiredOption('--external-id <id>', 'platform user id (Slack: TEAM:USER)')
    .option('--json', 'print it as JSON')
    .action((o: { platform: string; externalId: string; json?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/person-show.js')).personShowCommand(rt, 'creator', o)));

  program.command('login-link')
    .description("print a one-time sign-in URL (15 minutes) for that identity's user, as /flattr login gives in chat")
    .requiredOption('--platform <platform>', 'twitter, discord or slack')
    .requiredOption('--external-id <id>', 'platform user id (Slack: TEAM:USER)')
    .action((o: { platform: string; externalId: string }) => withRuntime(run, async (rt) => (await import('./commands/login-link.js')).loginLinkCommand(rt, o)));

  const admin = program.command('admin').description('operators: who sees /admin with their own sign-in (the admin token always does)');
  for (const [name, grant] of [['grant', true], ['revoke', false]] as const) {
    admin.command(name)
      .description(grant ? "let the user behind this identity see the operator pages (/admin) and API with their own session or API token" : 'take that back')
      .requiredOption('--platform <platform>', 'twitter, discord or slack')
      .requiredOption('--external-id <id>', 'platform user id (Slack: TEAM:USER)')
      .action((o: { platform: string; externalId: string }) => withRuntime(run, async (rt) => (await import('./commands/admin-grant.js')).adminGrantCommand(rt, o, grant)));
  }

  program.command('settle')
    .description('settle a period now and wait until it is committed (works with or without a running hub)')
    .requiredOption('--period <YYYY-MM>', 'the period (calendar month in SETTLEMENT_TZ) to settle')
    .option('--dry-run', 'show what would move, write nothing (the current month: what it would move if it ended now)')
    .option('--no-wait', 'refuse, rather than wait for, a run of the period already in progress')
    .action((o: { period: string; dryRun?: boolean; wait?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/settle.js')).settleCommand(rt, o)));

  program.command('report')
    .description('the settlement of a period')
    .requiredOption('--period <YYYY-MM>', 'the period')
    .option('--json', 'print the report as JSON (its shape: docs/contracts.md)')
    .option('--limit <n>', 'recipients and supporters listed, largest first (default 20)')
    .action((o: { period: string; json?: boolean; limit?: string }) => withRuntime(run, async (rt) => (await import('./commands/report.js')).reportCommand(rt, o)));

  program.command('periods')
    .description('every period with its status (open, closed-waiting, running, failed, settled), pending flattrs and the next period close')
    .option('--json', 'print them as JSON')
    .action((o: { json?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/periods.js')).periodsCommand(rt, o)));

  program.command('ledger').description('the double-entry ledger')
    .command('verify')
    .description('check every ledger invariant; exit 1 naming the first broken one')
    .action(() => withRuntime(run, async (rt) => (await import('./commands/ledger-verify.js')).ledgerVerifyCommand(rt)));

  program.command('escrow').description('money held for creators who have not connected')
    .command('release')
    .description('return escrow older than ESCROW_HOLD_DAYS to the supporters who paid it')
    .option('--dry-run', 'show what would be returned')
    .option('--apply', 'return it')
    .action((o: { dryRun?: boolean; apply?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/escrow-release.js')).escrowReleaseCommand(rt, o)));

  program.command('payouts').description('creator payouts through Stripe Connect')
    .command('run')
    .description('pay every creator balance above PAYOUT_MINIMUM to their connected Stripe account (and resend pending payouts); exit 1 if one stays pending')
    .option('--dry-run', 'show what would be paid; write nothing, call nothing')
    .option('--json', 'print the result as JSON')
    .action((o: { dryRun?: boolean; json?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/payouts-run.js')).payoutsRunCommand(rt, o)));

  program.command('topups').description('monthly top-ups equal to the budget, charged to saved cards through Stripe')
    .command('run')
    .description("charge each supporter whose monthly top-up is on their budget for the period, once (and resend charges left unanswered); exit 1 if one stays pending")
    .option('--dry-run', 'show what would be charged and skipped; write nothing, call nothing')
    .option('--period <YYYY-MM>', 'the period charged (default: the current one in SETTLEMENT_TZ)')
    .option('--json', 'print the result as JSON')
    .action((o: { dryRun?: boolean; period?: string; json?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/topups-run.js')).topupsRunCommand(rt, o)));

  program.command('payments').description('money in and out through Stripe')
    .command('reconcile')
    .description("compare the ledger's Stripe movements with Stripe's balance transactions; exit 1 listing every difference")
    .requiredOption('--since <date>', 'YYYY-MM-DD (UTC) or an ISO 8601 time')
    .option('--json', 'print the result as JSON')
    .action((o: { since: string; json?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/payments-reconcile.js')).paymentsReconcileCommand(rt, o)));

  program.command('notify')
    .description("send a settled period's notices that are pending or may now succeed, and print what became of each")
    .requiredOption('--period <YYYY-MM>', 'the settled period')
    .option('--dry-run', 'print what would be sent, send and write nothing')
    .action((o: { period: string; dryRun?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/notify.js')).notifyCommand(rt, o)));

  program.command('x').description('X (Twitter)')
    .command('webhook').description('the X Activity API webhook')
    .command('register')
    .description('register PUBLIC_URL/twitter/webhook at X (a running hub answers its CRC check); the hub also tries at start')
    .action(() => withRuntime(run, async (rt) => (await import('./commands/x-webhook.js')).xWebhookRegisterCommand(rt)));

  program.command('notices')
    .description('every notice of a period (digests, statements, creator DMs) with its status and reason')
    .requiredOption('--period <YYYY-MM>', 'the period')
    .option('--json', 'print them as JSON')
    .action((o: { period: string; json?: boolean }) => withRuntime(run, async (rt) => (await import('./commands/notices.js')).noticesCommand(rt, o)));

  program.addHelpText('after', () => `\nEvery command:\n${listCommands(program).map((c) => `  flattr ${c}`).join('\n')}\n`);
  return program;
}

/** The package's version, read from its package.json (found upwards: sources and dist/ sit at different depths). */
function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'flattr-hub' && pkg.version) return pkg.version;
    } catch {
      // No package.json here: look one level up.
    }
  }
  return 'unknown';
}

/** Leaf commands with their full path, so `flattr --help` shows nested ones too. */
function listCommands(command: Command, prefix = ''): string[] {
  return command.commands.flatMap((c) => {
    const path = `${prefix}${c.name()}`;
    return c.commands.length ? listCommands(c, `${path} `) : [`${path} ${c.usage()}`.trim()];
  }).filter((c) => !c.startsWith('help'));
}

async function withRuntime(run: (task: (config: Config) => Promise<number>) => Promise<void>, task: (rt: Runtime) => Promise<number>) {
  await run(async (config) => {
    const { Runtime } = await import('../runtime.js');
    const runtime = new Runtime(config);
    try {
      return await task(runtime);
    } finally {
      await runtime.close();
    }
  });
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const run = async (task: (config: Config) => Promise<number>) => {
    // CLI commands log only warnings unless asked; the hub logs at info.
    const isStart = argv[2] === 'start';
    const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? (isStart ? 'info' : 'warn') };
    const { loadConfig } = await import('../config.js');
    code = await task(loadConfig(env));
  };
  try {
    await buildCli(run).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if ((await expectedErrors()).some((E) => error instanceof E)) {
      process.stderr.write(`flattr: ${redactText((error as Error).message)}\n`);
      return 1;
    }
    // Unexpected: still no secret on the terminal (a driver may quote a URL), and the stack only when asked.
    const text = error instanceof Error ? (process.env.LOG_LEVEL === 'debug' ? error.stack ?? error.message : error.message) : String(error);
    process.stderr.write(`flattr: ${redactText(text)}\n`);
    return 1;
  }
  return code;
}
