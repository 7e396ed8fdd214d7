import { Readable } from 'node:stream';
import type { LikeEvent } from '../../src/domain/like-event.js';
import { importLikes, type ImportSummary } from '../../src/ingest/import-likes.js';
import type { startIngest } from '../support/ingest-harness.js';
import type { Exchange } from './support/browser.js';

/** The CSRF token a signed-in page puts in its forms. */
export function csrfOf(page: Exchange): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!token) throw new Error(`no CSRF field on the page (status ${page.status})`);
  return token;
}

/** Likes through the live path's queue and ingest worker (the one `flattr likes import` and the adapters feed), with each outcome counted. */
export async function ingestLikes(ingest: Awaited<ReturnType<typeof startIngest>>, events: LikeEvent[]): Promise<ImportSummary> {
  const input = Readable.from(events.map((e) => `${JSON.stringify(e)}\n`));
  return importLikes(input, { queue: ingest.queue, redis: ingest.redis, prefix: ingest.prefix, pollMs: 20 });
}

/** Text of the page without tags, spaces collapsed: what a reader sees. */
export function visibleText(page: Exchange): string {
  return page.body.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}
