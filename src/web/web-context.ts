import type { Db } from '../db/database.js';
import type { Logger } from '../support/logger.js';
import type { AdminContext } from './admin/admin-context.js';
import type { OAuthProvider } from './oauth-provider.js';
import type { SessionCache } from './session-cache.js';
import type { WebViews } from './web-views.js';

/** What every web route needs, resolved once from the configuration when the routes are mounted. */
export type WebContext = {
  db: Db;
  logger: Logger;
  now(): Date;
  /** PUBLIC_URL without a trailing slash: links, OAuth redirect URIs. */
  publicUrl: string;
  /** The only Origin a state-changing browser request may come from. */
  publicOrigin: string;
  /** PUBLIC_URL is https: cookies are Secure and take the __Host-/__Secure- prefixes. */
  secure: boolean;
  cookies: { session: string; oauth: string };
  sessionSecret: string;
  /** Live sessions remembered for a moment (session-cache.ts). */
  sessions: SessionCache;
  /** Per-user views kept for a moment (month, earnings); forgotten on every change made here. */
  views: WebViews;
  /** The money rules' settings pages apply (the month page previews the split with FEE_BPS and UNSPENT_POLICY). */
  money: { escrowHoldDays: number; timeZone: string; feeBps: number; unspentPolicy: 'keep' | 'charity' };
  /** Sign-in providers configured on this hub. */
  providers: Partial<Record<'slack' | 'discord' | 'twitter', OAuthProvider>>;
  /** The operator pages' admin token, settlement settings and settle queue (src/web/admin/). */
  admin: AdminContext;
};
