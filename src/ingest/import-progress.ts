import type { Redis } from 'ioredis';

const key = (prefix: string, importId: string) => `${prefix}:import:${importId}`;
const TTL_SECONDS = 24 * 3600;

/** Counts outcomes of an import's jobs where the importing CLI can read them. */
export async function recordImportOutcomes(redis: Redis, prefix: string, outcomes: { importId: string; label: string }[]): Promise<void> {
  if (outcomes.length === 0) return;
  const counts = new Map<string, Map<string, number>>();
  for (const { importId, label } of outcomes) {
    const perImport = counts.get(importId) ?? new Map<string, number>();
    perImport.set(label, (perImport.get(label) ?? 0) + 1);
    counts.set(importId, perImport);
  }
  const pipeline = redis.pipeline();
  for (const [importId, perImport] of counts) {
    for (const [label, n] of perImport) pipeline.hincrby(key(prefix, importId), label, n);
    pipeline.expire(key(prefix, importId), TTL_SECONDS);
  }
  await pipeline.exec();
}

export async function readImportOutcomes(redis: Redis, prefix: string, importId: string): Promise<Record<string, number>> {
  const raw = await redis.hgetall(key(prefix, importId));
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}

export async function forgetImport(redis: Redis, prefix: string, importId: string): Promise<void> {
  await redis.del(key(prefix, importId));
}
