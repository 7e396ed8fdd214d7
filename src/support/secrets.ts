import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from './logger.js';

export type Secrets = { tokenEncryptionKey: string; adminToken: string; sessionSecret: string };

const fileSchema = z.object({ tokenEncryptionKey: z.string(), adminToken: z.string(), sessionSecret: z.string() }).partial();

/**
 * Secrets from the environment, else from `<dataDir>/secrets.json`, generated
 * there on first start (mode 0600) with a warning: a local hub starts with no
 * setup, and a production one is told to set them explicitly.
 */
export function loadSecrets(given: Partial<Secrets>, dataDir: string, logger: Logger): Secrets {
  const file = path.join(dataDir, 'secrets.json');
  const stored = existsSync(file) ? fileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : {};
  const generated: string[] = [];
  const pick = (name: keyof Secrets, env: string, make: () => string) => {
    const value = given[name] ?? stored[name];
    if (value) return value;
    generated.push(env);
    return make();
  };
  const secrets: Secrets = {
    tokenEncryptionKey: pick('tokenEncryptionKey', 'TOKEN_ENCRYPTION_KEY', () => randomBytes(32).toString('base64')),
    adminToken: pick('adminToken', 'ADMIN_TOKEN', () => randomBytes(24).toString('base64url')),
    sessionSecret: pick('sessionSecret', 'SESSION_SECRET', () => randomBytes(32).toString('base64url')),
  };
  if (generated.length > 0) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ ...stored, ...secrets }, null, 2), { mode: 0o600 });
    logger.warn({ file, generated }, `generated ${generated.join(', ')} into ${file}; set them in the environment for production`);
  }
  return secrets;
}
