import type { Db } from '../../db/database.js';
import { InvalidInputError } from '../../domain/errors.js';
import { setSupporter, type SupporterView } from '../../supporters/set-supporter.js';

/**
 * The page's and the API's budget change, through the same use case as the
 * CLI and the chat (setSupporter): the amount is a decimal string parsed by
 * string arithmetic ("35,5" and "-2" are refused), a currency switch on a
 * funded wallet is refused (CurrencyLockedError), and a refusal writes
 * nothing. setSupporter names people by a platform identity; any of the
 * user's identities resolves to the same user.
 */
export async function changeBudget(db: Db, userId: number, amount: string, currency: string | undefined): Promise<SupporterView> {
  if (amount.trim() === '') throw new InvalidInputError('budget', 'give the monthly amount, e.g. 35.00');
  const [identity] = await db.$queryRawUnsafe<{ platform: string; external_id: string }[]>(
    `SELECT platform, external_id FROM identities WHERE user_id = $1 ORDER BY id LIMIT 1`, userId,
  );
  // Every sign-in is through an identity, so a signed-in user has one unless all were disconnected since.
  if (!identity) throw new InvalidInputError('identity', 'connect a platform account first (Settings)');
  return setSupporter(db, { platform: identity.platform, externalId: identity.external_id, budget: amount, currency: currency?.trim() || undefined });
}
