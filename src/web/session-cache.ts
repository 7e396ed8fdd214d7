import type { Db } from '../db/database.js';
import { findSession, type Session } from './sessions.js';
import { hashWebSecret } from './web-secret.js';

/** How long a session found in the database is trusted without asking again. */
export const SESSION_CACHE_MS = 2_000;
const MAX_ENTRIES = 10_000;

/**
 * Session lookups remembered for a moment: a dashboard page and the API
 * calls it makes come in bursts, and each asked PostgreSQL who the cookie
 * belongs to (a fifth of a page view's time under load). A logout in this
 * process forgets its session at once; one ended elsewhere (another api
 * process, or rows deleted by hand) stops working within SESSION_CACHE_MS.
 * Only live sessions are remembered, never a refusal, so a new sign-in is
 * never refused from memory.
 */
export class SessionCache {
  private readonly entries = new Map<string, { session: Session; until: number }>();

  constructor(private readonly db: Db, private readonly ttlMs = SESSION_CACHE_MS) {}

  /** `now`: the hub's clock, for the session's expiry and for how long it is remembered alike. */
  async find(id: string, now: Date): Promise<Session | undefined> {
    const idHash = hashWebSecret(id);
    const hit = this.entries.get(idHash);
    if (hit && hit.until > now.getTime() && hit.session.expiresAt > now) return { ...hit.session, refreshed: false };
    const session = await findSession(this.db, id, now);
    if (!session) {
      this.entries.delete(idHash);
      return undefined;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(idHash, { session, until: now.getTime() + this.ttlMs });
    return session;
  }

  forget(idHash: string): void {
    this.entries.delete(idHash);
  }
}
