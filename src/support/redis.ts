import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';
import { redactUrl } from './redact.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export class RedisUnavailableError extends Error {
  readonly code = 'REDIS_UNAVAILABLE';
}

/** BullMQ workers need blocking commands that never give up on a reconnect. */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}

export async function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export type RedisHandle = { url: string; child?: ChildProcess; stop(): Promise<void> };

/**
 * Finds Redis, or on a fresh machine starts one as a child process so that
 * `npm start` just works: only when REDIS_URL is unset, nothing answers on the
 * default port and redis-server is installed. Its data lives under dataDir
 * with the append-only file on, and it stops with the hub.
 */
export async function ensureRedis(configured: string | undefined, dataDir: string, logger: Logger, defaultUrl = DEFAULT_REDIS_URL): Promise<RedisHandle> {
  const url = configured ?? defaultUrl;
  if (await pingRedis(url)) return { url, stop: async () => {} };
  const hint = 'start one with `redis-server --daemonize yes` (Debian: apt-get install redis-server) or set REDIS_URL';
  if (configured) throw new RedisUnavailableError(`Redis is unreachable at ${redactUrl(url)}: ${hint}`);
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new RedisUnavailableError(`Redis is unreachable at ${redactUrl(url)} and redis-server is not installed: ${hint}`);
  }
  const dir = path.resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = new URL(url).port || '6379';
  const child = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await pingRedis(url, 200)) {
      logger.info({ dir, pid: child.pid }, 'started redis-server as a child process (REDIS_URL unset)');
      return {
        url, child,
        stop: () => new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`Redis is unreachable at ${redactUrl(url)} and the redis-server started for it did not answer: ${hint}`);
}
