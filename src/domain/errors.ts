/**
 * An input the hub refuses. `code` is stable (tests and API clients match on
 * it); `field` names what was wrong so the operator can fix it.
 */
export class InvalidInputError extends Error {
  /** `INVALID_INPUT`, or the more precise code of a subclass below. */
  readonly code: string = 'INVALID_INPUT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidInputError';
  }
}

/**
 * A currency change refused because the supporter's wallet holds money
 * (money rule 11): settlement charges the wallet of the supporter's
 * currency and money is never converted, so the old wallet would be
 * stranded. An InvalidInputError, so every edge refuses it in one line.
 */
export class CurrencyLockedError extends InvalidInputError {
  override readonly code = 'CURRENCY_LOCKED';
  constructor(
    readonly current: string,
    readonly wanted: string,
    /** The wallet's balance in `current`, in minor units. */
    readonly balanceMinor: bigint,
    balanceText: string,
  ) {
    super('currency', `the wallet holds ${balanceText} ${current}, so the currency cannot change to ${wanted} (money is never converted): ` +
      `let month-end settlements spend it, or have it returned, before changing; or keep ${current}. Nothing was changed.`);
    this.name = 'CurrencyLockedError';
  }
}

/**
 * A currency change that does not give the budget in the new currency. The
 * stored budget is minor units of the old one, and reading them in the new
 * one would make 35.00 EUR into 3500 JPY, so the change must name it.
 */
export class CurrencyNeedsBudgetError extends InvalidInputError {
  override readonly code = 'CURRENCY_NEEDS_BUDGET';
  constructor(
    readonly current: string,
    readonly wanted: string,
  ) {
    super('currency', `changing from ${current} to ${wanted} needs the budget in ${wanted} in the same change: ` +
      `flattr supporter set … --currency ${wanted} --budget 10 (in chat: /flattr budget 10 ${wanted}). Nothing was changed.`);
    this.name = 'CurrencyNeedsBudgetError';
  }
}

/**
 * An idempotency key already used for another operation (other amount,
 * currency, account or kind). A key names one operation (money rule 11): its
 * first use stands and nothing is written for the second.
 */
export class IdempotencyKeyConflictError extends InvalidInputError {
  override readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(
    readonly key: string,
    /** What the key already names, for the operator: "transfer 12 (funding: wallet credit slack:T1:U1)". */
    existing: string,
  ) {
    super('idempotency-key', `"${key}" was already used for ${existing} with other parameters; ` +
      'a key names one operation: use a new key for a new one. Nothing was written.');
    this.name = 'IdempotencyKeyConflictError';
  }
}
