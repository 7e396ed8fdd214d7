import { InvalidInputError } from './errors.js';
import type { Platform } from './like-event.js';

/**
 * What a platform user id looks like, for ids an operator types: Slack
 * "TEAM:USER" (workspace and user ids, upper-case letters and digits, e.g.
 * T024BE7LD:U0G9QF9C6), Discord and X numeric snowflakes. A typo is refused
 * in one line instead of creating a supporter nobody can ever be.
 */
const SHAPES: Record<Platform, { pattern: RegExp; example: string }> = {
  slack: { pattern: /^[A-Z0-9]+:[A-Z0-9]+$/, example: 'TEAM:USER, e.g. T024BE7LD:U0G9QF9C6' },
  discord: { pattern: /^\d{1,20}$/, example: 'a numeric Discord user id, e.g. 80351110224678912' },
  twitter: { pattern: /^\d{1,20}$/, example: 'a numeric X user id, e.g. 2244994945' },
};

export function parseExternalId(platform: Platform, raw: string, field = 'external-id'): string {
  const id = raw.trim();
  const shape = SHAPES[platform];
  if (!shape.pattern.test(id)) throw new InvalidInputError(field, `"${raw}" is not a ${platform} user id: write ${shape.example}`);
  return id;
}
