import { formatMoney, type Money } from '../domain/money.js';
import type { Run } from './chat-run.js';
import { createLinkCode, LINK_CODE_MINUTES, normalizeLinkCode, redeemLinkCode, type LinkRefusal } from './link-codes.js';
import { previewLink } from './preview-link.js';

/**
 * `link` gives a code; `link CODE` says what joining would do and changes
 * nothing; `link CODE confirm` joins. Two steps because a code is a phishing
 * target: whoever types one must first see whose account it joins.
 */
export async function linkCommand(r: Run, code: string | undefined, confirm: boolean): Promise<string> {
  const { deps, ctx, m } = r;
  if (!code) return m.linkCode(await createLinkCode(deps.db, ctx.platform, ctx.userExternalId, deps.now()), LINK_CODE_MINUTES);
  if (!confirm) {
    const preview = await previewLink(deps.db, ctx.platform, ctx.userExternalId, code, deps.now());
    if (typeof preview === 'string') return refusal(r, preview);
    return m.linkPreview({
      joining: preview.joining, into: preview.into.join(', '), escrow: formatAll(preview.escrow, r.locale),
      code: normalizeLinkCode(code)!, minutes: LINK_CODE_MINUTES,
    });
  }
  const result = await redeemLinkCode(deps.db, ctx.platform, ctx.userExternalId, code, deps.now(), 'confirmed');
  if (result.outcome === 'linked') return m.linked(ctx.platform, formatAll(result.escrowMoved, r.locale));
  return refusal(r, result.outcome);
}

function refusal({ m }: Run, outcome: LinkRefusal): string {
  switch (outcome) {
    case 'already_same': return m.linkAlreadySame;
    case 'owned_elsewhere': return m.linkOwnedElsewhere;
    case 'expired_code': return m.linkExpired;
    case 'bad_code': return m.linkBadCode;
  }
}

function formatAll(amounts: Money[], locale: string): string | undefined {
  return amounts.length ? amounts.map((a) => formatMoney(a, locale)).join(' + ') : undefined;
}
