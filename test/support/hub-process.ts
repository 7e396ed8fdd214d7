import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/flattr.js', import.meta.url));

export type HubProcess = {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote so far, stdout and stderr together. */
  output(): string;
  /** Sends a signal and resolves with the exit code and how long the process took to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
};

/**
 * `flattr start` as a real child process (the production entry point, signal
 * handling included), resolved once its HTTP server listens.
 */
export async function startHubProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<HubProcess> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', LOG_FORMAT: 'json', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // A JSON line carries the url as a field; a pretty line (LOG_FORMAT=pretty) only in its message.
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*http server listening|http server listening on (http:\/\/[^\s:]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve((match[1] ?? match[2])!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    child, url,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode === null) child.kill(signal);
      const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(deadline);
      return { code, ms: Date.now() - started };
    },
  };
}
