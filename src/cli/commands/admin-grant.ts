import type { Runtime } from '../../runtime.js';
import { setUserAdmin } from '../../web/admin/set-user-admin.js';
import { identityOption } from '../identity-option.js';
import { out } from '../output.js';

/**
 * `flattr admin grant|revoke --platform P --external-id ID`: the user behind
 * that identity sees (or no longer sees) the operator pages, /admin and
 * /api/v1/admin/*, with their own session or API token. The admin token
 * (ADMIN_TOKEN) works whatever this says.
 */
export async function adminGrantCommand(runtime: Runtime, o: { platform: string; externalId: string }, admin: boolean): Promise<number> {
  const identity = identityOption(o);
  const { prisma } = await runtime.db();
  const change = await setUserAdmin(prisma, { ...identity, admin });
  const who = `${identity.platform}:${identity.externalId} (user ${change.userId})`;
  if (!change.changed) out(admin ? `${who} is already an operator; nothing changed` : `${who} is not an operator; nothing changed`);
  else out(admin ? `${who} is now an operator: /admin and /api/v1/admin/* with their own sign-in` : `${who} is no longer an operator`);
  return 0;
}
