// `node --import ./test/support/trace-imports.mjs …` appends every module URL the
// process loads to the file named by TRACE_IMPORTS_FILE, so a test can tell which
// packages a command pulled in. Registered from the main thread, the same file
// then runs as the resolve hook in Node's hooks thread.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (process.env.TRACE_IMPORTS_FILE) appendFileSync(process.env.TRACE_IMPORTS_FILE, `${resolved.url}\n`);
  return resolved;
}
