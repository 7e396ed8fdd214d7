import { toDecimalString } from '../../domain/money.js';
import type { Runtime } from '../../runtime.js';
import { creditWallet } from '../../wallet/credit-wallet.js';
import { identityOption } from '../identity-option.js';
import { out } from '../output.js';

export async function walletCreditCommand(
  runtime: Runtime,
  o: { platform: string; externalId: string; amount: string; currency?: string; idempotencyKey?: string },
): Promise<number> {
  const identity = identityOption(o);
  const { prisma } = await runtime.db();
  const result = await creditWallet(prisma, { ...o, ...identity });
  const verb = result.created ? 'credited' : 'already credited (same idempotency key)';
  // What was owed after a refund or lost dispute is paid first (their likes count again once it is all paid).
  const owed = result.settled.minor > 0n ? ` (${toDecimalString(result.settled)} ${result.settled.currency} of it paid what was owed)` : '';
  out(`${verb} ${toDecimalString(result.credited)} ${result.credited.currency} to ${o.platform}:${o.externalId}${owed}; wallet ${toDecimalString(result.balance)} ${result.balance.currency}`);
  return 0;
}
