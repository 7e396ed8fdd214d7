import { parseExternalId } from '../domain/external-id.js';
import type { Platform } from '../domain/like-event.js';
import { parsePlatform } from '../supporters/set-supporter.js';

/** `--platform P --external-id ID` as an operator typed them, checked before anything is opened. */
export function identityOption(o: { platform: string; externalId: string }): { platform: Platform; externalId: string } {
  const platform = parsePlatform(o.platform);
  return { platform, externalId: parseExternalId(platform, o.externalId) };
}
