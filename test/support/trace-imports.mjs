// `node --import ./test/support/trace-imports.mjs …` appends every module the
// process loads (ESM URLs and CommonJS paths) to the file named by
// TRACE_IMPORTS_FILE, so a test can tell which packages a command pulled in.
// Registered from the main thread, the same file then runs as the resolve hook
// in Node's hooks thread.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const record = (name) => {
  if (process.env.TRACE_IMPORTS_FILE) appendFileSync(process.env.TRACE_IMPORTS_FILE, `${name}\n`);
};

if (isMainThread) {
  register(import.meta.url);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const file = resolveFilename.apply(this, args);
    record(file);
    return file;
  };
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  record(resolved.url);
  return resolved;
}
