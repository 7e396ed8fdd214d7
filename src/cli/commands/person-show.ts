import { formatMoney, type Money } from '../../domain/money.js';
import { InvalidInputError } from '../../domain/errors.js';
import { loadPersonMoney, type IdentityRef, type PersonMoney } from '../../people/load-person-money.js';
import type { Runtime } from '../../runtime.js';
import { identityOption } from '../identity-option.js';
import { out, toJson } from '../output.js';

type ShowOptions = { platform: string; externalId: string; json?: boolean };

/** `flattr supporter show` and `flattr creator show`: one person's money, both sides, read-only. */
export async function personShowCommand(runtime: Runtime, side: 'supporter' | 'creator', o: ShowOptions): Promise<number> {
  const { platform, externalId } = identityOption(o);
  const { prisma } = await runtime.db();
  const person = await loadPersonMoney(prisma, platform, externalId, runtime.config.money.escrowHoldDays);
  if (!person || (side === 'supporter' && !person.supporter)) {
    throw new InvalidInputError('external-id', side === 'supporter'
      ? `${platform}:${o.externalId} is not a supporter; create one with "flattr supporter set"`
      : `nobody has flattred ${platform}:${o.externalId} and it has not joined`);
  }
  if (o.json) out(toJson(person));
  else for (const line of renderPerson(person, side)) out(line);
  return 0;
}

/** Lines for a person at a terminal: the side asked for first, then the other one if there is anything on it. */
export function renderPerson(p: PersonMoney, first: 'supporter' | 'creator'): string[] {
  const who = `${label(p.identity)}${p.userId === null ? ' (not joined)' : ` (user ${p.userId}${p.identities.length > 1 ? `, also ${p.identities.filter((i) => label(i) !== label(p.identity)).map(label).join(', ')}` : ''})`}`;
  const supporter = p.supporter ? [
    'as a supporter',
    `  budget      ${money(p.supporter.budget)} a month, ${p.supporter.active ? 'active' : 'paused'}, on ${p.supporter.platforms.join(', ') || 'no platform yet'}`,
    `  wallet      ${money(p.supporter.wallet)}`,
    ...p.supporter.owed.map((o) => `  owes        ${money(o)} after a refund or lost dispute; likes are not flattrs until a top-up or wallet credit settles it`),
    `  flattrs     ${plural(p.supporter.pendingFlattrs, 'flattr')} not settled yet${p.supporter.pendingPeriods.length ? ` (${p.supporter.pendingPeriods.join(', ')})` : ''}`,
  ] : [];
  const c = p.creator;
  const hasCreator = c.balances.length > 0 || c.escrow.length > 0 || c.lastPeriod !== undefined;
  const creator = hasCreator || first === 'creator' ? [
    'as a creator',
    ...(p.userId === null ? [] : [`  balance     ${c.balances.length ? c.balances.map(money).join(' + ') : money({ minor: 0n, currency: p.supporter?.currency ?? 'EUR' })}`]),
    ...(c.lastPeriod ? [`  ${c.lastPeriod.period}     ${c.lastPeriod.received.map(money).join(' + ')} from ${plural(c.lastPeriod.supporters, 'supporter')}`] : []),
    ...(c.escrow.length === 0 ? ['  escrow      nothing waiting'] : c.escrow.map((e) =>
      `  escrow      ${money(e.amount)} waiting for ${label(e.identity)}; it goes back to its supporters from ${e.returnsFrom.toISOString().slice(0, 10)} unless claimed (/flattr join)`)),
  ] : [];
  return [who, ...(first === 'supporter' ? [...supporter, ...creator] : [...creator, ...supporter])];
}

const label = (i: IdentityRef) => `${i.platform}:${i.handle ?? i.externalId}`;
const money = (m: Money) => formatMoney(m, 'en');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
