import { afterAll } from 'vitest';
import { deleteKeys } from './delete-keys.js';
import { usedQueuePrefixes } from './queue.js';

/** Runs in every test file (vitest setupFiles): once the file is done, the keys of its queue prefixes go. */
afterAll(async () => {
  if (usedQueuePrefixes.size === 0) return;
  await deleteKeys([...usedQueuePrefixes].map((prefix) => `${prefix}*`));
  usedQueuePrefixes.clear();
});
