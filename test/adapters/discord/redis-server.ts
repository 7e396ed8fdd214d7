import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pingRedis } from '../../../src/support/redis.js';
import { freePort } from '../../support/free-port.js';

export type DedicatedRedis = {
  url: string;
  /** Shuts the server down (SIGTERM: the append-only file is written), as an outage a restart ends. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data: what was enqueued before the outage is still there. Nothing if it runs. */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a frozen or partitioned server). */
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
};

/**
 * A redis-server of the test's own on a random port, so the test can take it
 * away and bring it back without touching the shared Redis (the way
 * src/support/redis.ts starts one for a fresh machine).
 */
export async function startDedicatedRedis(): Promise<DedicatedRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'flattr-outage-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
    child = started;
    for (let i = 0; i < 100; i++) {
      if (await pingRedis(url, 200)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    started.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGCONT');
    current.kill('SIGTERM');
    await exited;
  };

  await launch();
  return {
    url,
    stop,
    restart: async () => {
      if (!child) await launch();
    },
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
