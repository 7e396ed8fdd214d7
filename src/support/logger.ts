import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { CENSOR, LOG_REDACT_PATHS, redactText } from './redact.js';

export type { Logger };

/**
 * Logs go to stderr so CLI output on stdout stays clean for pipes: JSON for
 * machines, pretty lines when a person watches a terminal. Secrets never
 * reach a line: fields are censored by name, and strings (messages, error
 * messages and stacks, request URLs, top-level values) are scrubbed of
 * credentials in URLs, OAuth codes and tokens (src/support/redact.ts).
 * `destination` is for tests that read what was logged.
 */
export function createLogger(level: string, name = 'flattr', options: { pretty?: boolean; destination?: DestinationStream } = {}): Logger {
  const settings = {
    name, level,
    redact: { paths: LOG_REDACT_PATHS, censor: CENSOR },
    serializers: { err: serializeError, error: serializeError, req: serializeRequest },
    formatters: { log: scrubValues },
    hooks: { logMethod: scrubMessage },
  };
  if (options.destination) return pino(settings, options.destination);
  if (options.pretty) {
    return pino(settings, pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname,name' } }));
  }
  return pino({ ...settings, base: { pid: process.pid } }, pino.destination(2));
}

function serializeError(error: unknown) {
  if (!(error instanceof Error)) return typeof error === 'string' ? redactText(error) : error;
  const out = stdSerializers.err(error);
  out.message = redactText(out.message);
  if (out.stack) out.stack = redactText(out.stack);
  return out;
}

function serializeRequest(request: { method?: string; url?: string; hostname?: string; ip?: string; id?: unknown }) {
  return { id: request.id, method: request.method, url: request.url === undefined ? undefined : redactText(request.url), host: request.hostname, remoteAddress: request.ip };
}

/** Top-level string values (a URL someone logged, a message copied from an error). */
function scrubValues(object: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string') object[key] = redactText(value);
  }
  return object;
}

function scrubMessage(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
  method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)));
}
