import type { Job } from 'bullmq';
import type { Db } from '../db/database.js';

export type RunDescription = {
  /** When its run opened, or, not opened yet, when its job was queued. */
  since: Date;
  opened: boolean;
  /** Who asked for it, as its job says ("someone" for a job from before jobs said so). */
  by: string;
};

/** What an operator is told about a run they find going: since when, and whose. */
export async function describeRun(db: Db, job: Job): Promise<RunDescription> {
  const [run] = await db.$queryRawUnsafe<{ started_at: Date }[]>(`SELECT started_at FROM settlement_runs WHERE period = $1`, (job.data as { period: string }).period);
  const by = (job.data as { by?: unknown }).by;
  return { since: run?.started_at ?? new Date(job.timestamp), opened: Boolean(run), by: typeof by === 'string' && by ? by : 'someone else' };
}
