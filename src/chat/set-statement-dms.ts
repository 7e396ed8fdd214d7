import type { Db } from '../db/database.js';

/**
 * `/flattr statement on|off`: the monthly statement DM. On is also the
 * consent the creator DM and DMs on X need, so it is recorded as such
 * (statements_opted_in); off withdraws both. False when the user has no
 * supporter settings (they have not joined).
 */
export async function setStatementDms(db: Db, userId: number, on: boolean): Promise<boolean> {
  const changed = await db.$executeRawUnsafe(
    `UPDATE supporter_settings SET statement_dms = $2, statements_opted_in = $2, updated_at = now() WHERE user_id = $1`, userId, on,
  );
  return changed === 1;
}
