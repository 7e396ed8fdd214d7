import { redactUrl } from '../support/redact.js';

/** PostgreSQL cannot be used as DATABASE_URL says: one line naming what is wrong and what to do. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

type DriverCause = { kind?: string; originalMessage?: string; db?: string; host?: string; port?: number };

/**
 * Turns the driver's "database does not exist" or "cannot reach the server"
 * (as Prisma's driver adapter reports them) into a DatabaseUnavailableError;
 * anything else is returned as it was.
 */
export function explainDatabaseError(error: unknown, url: string | undefined): unknown {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: DriverCause } } })?.meta?.driverAdapterError?.cause;
  if (!cause || !url) return error;
  const where = describeUrl(url);
  switch (cause.kind) {
    case 'DatabaseDoesNotExist':
      return new DatabaseUnavailableError(`PostgreSQL at ${where.server} has no database "${cause.db ?? where.database}": create it (createdb ${cause.db ?? where.database}) or fix DATABASE_URL`, { cause: error });
    case 'DatabaseNotReachable':
      return new DatabaseUnavailableError(`PostgreSQL is unreachable at ${where.server}: start it, or fix DATABASE_URL (${redactUrl(url)})`, { cause: error });
    case 'AuthenticationFailed':
    case 'DatabaseAccessDenied':
      return new DatabaseUnavailableError(`PostgreSQL at ${where.server} refused the login: check the user and password in DATABASE_URL (${redactUrl(url)})`, { cause: error });
    default:
      return error;
  }
}

function describeUrl(url: string): { server: string; database: string } {
  try {
    const parsed = new URL(url);
    return { server: `${parsed.hostname}:${parsed.port || '5432'}`, database: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres' };
  } catch {
    return { server: 'DATABASE_URL', database: '?' };
  }
}
