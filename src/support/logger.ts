import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Logs go to stderr so CLI output on stdout stays clean for pipes: JSON for
 * machines, pretty lines when a person watches a terminal.
 */
export function createLogger(level: string, name = 'flattr', options: { pretty?: boolean } = {}): Logger {
  if (options.pretty) {
    return pino({ name, level }, pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname,name' } }));
  }
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2));
}
