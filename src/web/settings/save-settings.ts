import { setMentions } from '../../chat/set-mentions.js';
import { setStatementDms } from '../../chat/set-statement-dms.js';
import type { Db } from '../../db/database.js';
import { PLATFORMS } from '../../domain/like-event.js';
import { setSupporter } from '../../supporters/set-supporter.js';
import { loadSettings, type SettingsView } from './load-settings.js';
import { checkSettingsChange, type SettingsChange } from './settings-change.js';

/**
 * Applies a settings change through the use cases the chat and the CLI use
 * (setSupporter for platforms, emoji and community lists, which also joins a
 * user who has not; setStatementDms; setMentions), after checking all of it,
 * so bad input writes nothing. Returns the settings as they are now.
 */
export async function saveSettings(db: Db, userId: number, change: SettingsChange): Promise<SettingsView> {
  const current = await loadSettings(db, userId);
  const checked = checkSettingsChange(change, current);
  // setSupporter finds the user through a platform account; any of theirs names the same user.
  const identity = current.identities[0];
  if (!identity) throw new Error(`user ${userId} has no platform account`);
  const toggles = Object.entries(checked.platforms ?? {}).filter(([p]) => (PLATFORMS as readonly string[]).includes(p));
  const supporterChange = {
    enable: toggles.filter(([, on]) => on).map(([p]) => p),
    disable: toggles.filter(([, on]) => !on).map(([p]) => p),
    emoji: checked.emoji, allow: checked.allowCommunities, block: checked.blockCommunities,
  };
  if (toggles.length > 0 || checked.emoji || checked.allowCommunities || checked.blockCommunities) {
    await setSupporter(db, { platform: identity.platform, externalId: identity.externalId, ...supporterChange });
  }
  if (checked.statementDms !== undefined) await setStatementDms(db, userId, checked.statementDms);
  if (checked.mentions !== undefined) await setMentions(db, identity.platform, identity.externalId, checked.mentions);
  return loadSettings(db, userId);
}
