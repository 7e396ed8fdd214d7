import type { Runtime } from '../../runtime.js';
import { loginLinkForIdentity } from '../../web/login-link-for-identity.js';
import { LOGIN_LINK_MINUTES } from '../../web/login-links.js';
import { identityOption } from '../identity-option.js';
import { out } from '../output.js';

/**
 * `flattr login-link --platform P --external-id ID`: a one-time sign-in URL for
 * that identity's user on stdout (for scripts and tests), how long it lasts on
 * stderr. An identity nobody claimed is refused (loginLinkForIdentity says why).
 */
export async function loginLinkCommand(runtime: Runtime, o: { platform: string; externalId: string }): Promise<number> {
  const identity = identityOption(o);
  const { prisma } = await runtime.db();
  const link = await loginLinkForIdentity(prisma, { ...identity, publicUrl: runtime.config.http.publicUrl, now: new Date(), claim: false });
  out(link.url);
  process.stderr.write(`works once, until ${link.expiresAt.toISOString()} (${LOGIN_LINK_MINUTES} minutes); anyone holding it signs in as this user\n`);
  return 0;
}
