import type { Db } from '../db/database.js';
import type { NewNotice, NewReminder } from './notice-row.js';
import { planCreatorStatements } from './plan-creator-statements.js';
import { planDigests, type PlanOptions } from './plan-digests.js';
import { planStatements } from './plan-statements.js';

/** Every notice of a settled period, rendered, nothing written: what deriving would write (and `flattr notify --dry-run` shows). */
export async function planNotices(db: Db, period: string, o: PlanOptions): Promise<{ notices: NewNotice[]; reminders: NewReminder[] }> {
  const digests = await planDigests(db, period, o);
  const statements = await planStatements(db, period);
  const creators = await planCreatorStatements(db, period, o);
  return { notices: [...digests.notices, ...statements, ...creators], reminders: digests.reminders };
}
