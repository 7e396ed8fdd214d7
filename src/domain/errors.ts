/**
 * An input the hub refuses. `code` is stable (tests and API clients match on
 * it); `field` names what was wrong so the operator can fix it.
 */
export class InvalidInputError extends Error {
  readonly code = 'INVALID_INPUT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidInputError';
  }
}
