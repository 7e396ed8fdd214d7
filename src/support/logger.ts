import { pino, type Logger } from 'pino';

export type { Logger };

/** Logs go to stderr so CLI output on stdout stays clean for pipes. */
export function createLogger(level: string, name = 'flattr'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2));
}
