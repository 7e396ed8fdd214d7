import { toDecimalString } from '../../domain/money.js';
import type { Runtime } from '../../runtime.js';
import { creditWallet } from '../../wallet/credit-wallet.js';
import { out } from '../output.js';

export async function walletCreditCommand(
  runtime: Runtime,
  o: { platform: string; externalId: string; amount: string; currency?: string; idempotencyKey?: string },
): Promise<number> {
  const { prisma } = await runtime.db();
  const result = await creditWallet(prisma, o);
  const verb = result.created ? 'credited' : 'already credited (same idempotency key)';
  out(`${verb} ${toDecimalString(result.credited)} ${result.credited.currency} to ${o.platform}:${o.externalId}; wallet ${toDecimalString(result.balance)} ${result.balance.currency}`);
  return 0;
}
