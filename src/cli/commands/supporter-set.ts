import { toDecimalString } from '../../domain/money.js';
import type { Runtime } from '../../runtime.js';
import { setSupporter } from '../../supporters/set-supporter.js';
import { identityOption } from '../identity-option.js';
import { out } from '../output.js';

export type SupporterSetOptions = {
  platform: string; externalId: string; budget?: string; currency?: string; on?: string; off?: string; emoji?: string;
  active?: boolean; block?: string; allow?: string; locale?: string;
};

const list = (value?: string) => (value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean));

export async function supporterSetCommand(runtime: Runtime, o: SupporterSetOptions): Promise<number> {
  const { platform, externalId } = identityOption(o);
  const { prisma } = await runtime.db();
  const view = await setSupporter(prisma, {
    platform, externalId, budget: o.budget, currency: o.currency,
    enable: list(o.on), disable: list(o.off), emoji: list(o.emoji), active: o.active,
    block: list(o.block), allow: list(o.allow), locale: o.locale,
  });
  out(`${view.created ? 'created' : 'updated'} supporter ${view.userId} (${o.platform}:${o.externalId}): ` +
    `budget ${toDecimalString({ minor: view.budgetMinor, currency: view.currency })} ${view.currency}/month, ` +
    `${view.active ? 'active' : 'inactive'}, on: ${view.platforms.join(',') || 'none'}, emoji: ${view.triggerReactions.join(',')}`);
  if (view.escrowMoved.length) {
    out(`claimed ${platform}:${externalId}: ${view.escrowMoved.map((m) => `${toDecimalString(m)} ${m.currency}`).join(' + ')} of escrow moved to its creator balance`);
  }
  return 0;
}
