import type { Db } from '../db/database.js';
import { formatMoney } from '../domain/money.js';
import { DEFAULT_TRIGGERS } from '../domain/reactions.js';
import type { ChatLocale } from './chat-types.js';
import type { ChatUser } from './find-chat-user.js';
import type { StatusView } from './messages.js';
import { formatEmoji } from './supporter-commands.js';

/**
 * What `/flattr status` shows. "Pending" flattrs are the active ones in
 * periods whose settlement has not started, so no time zone is needed here.
 */
export async function loadStatus(db: Db, user: ChatUser, platform: string, locale: ChatLocale): Promise<StatusView> {
  const [settings] = await db.$queryRawUnsafe<{ budget_minor: bigint; active: boolean; platforms: string[]; trigger_reactions: string[] }[]>(
    `SELECT budget_minor, active, platforms, trigger_reactions FROM supporter_settings WHERE user_id = $1`, user.userId,
  );
  const [wallet] = await db.$queryRawUnsafe<{ balance: bigint }[]>(
    `SELECT coalesce(sum(e.amount), 0)::int8 AS balance
       FROM accounts a JOIN entries e ON e.account_id = a.id
      WHERE a.kind = 'wallet' AND a.user_id = $1 AND a.currency = $2`,
    user.userId, user.currency,
  );
  const [pending] = await db.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*)::int8 AS n FROM flattrs f
      WHERE f.supporter_id = $1 AND f.status = 'active'
        AND NOT EXISTS (SELECT 1 FROM settlement_runs r WHERE r.period = f.period)`,
    user.userId,
  );
  const identities = await db.$queryRawUnsafe<{ platform: string }[]>(
    `SELECT platform FROM identities WHERE user_id = $1 ORDER BY platform, external_id`, user.userId,
  );
  const triggers = settings!.trigger_reactions.length ? settings!.trigger_reactions : [...DEFAULT_TRIGGERS];
  return {
    budget: formatMoney({ minor: settings!.budget_minor, currency: user.currency }, locale),
    active: settings!.active,
    platforms: settings!.platforms,
    emoji: [formatEmoji(triggers, platform)],
    wallet: formatMoney({ minor: wallet?.balance ?? 0n, currency: user.currency }, locale),
    pending: Number(pending?.n ?? 0n),
    linked: identities.map((i) => i.platform),
  };
}
