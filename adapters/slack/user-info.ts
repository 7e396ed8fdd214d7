import type { webApi } from '@slack/bolt';

export type SlackUserInfo = { isBot: boolean; isAdmin: boolean; locale?: string };

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * users.info (https://docs.slack.dev/reference/methods/users.info), cached for
 * a few minutes: reaction events do not say whether the reactor is a bot, and
 * commands need the user's locale and admin flag.
 */
export function createUserInfo(now: () => Date) {
  const cache = new Map<string, { at: number; info: SlackUserInfo }>();
  return async (client: webApi.WebClient, team: string, user: string): Promise<SlackUserInfo> => {
    const key = `${team}:${user}`;
    const hit = cache.get(key);
    const t = now().getTime();
    if (hit && t - hit.at < TTL_MS) return hit.info;
    const { user: u } = await client.users.info({ user, include_locale: true });
    const info: SlackUserInfo = {
      isBot: Boolean(u?.is_bot || u?.is_app_user) || user === 'USLACKBOT',
      isAdmin: Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner),
      locale: u?.locale,
    };
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, { at: t, info });
    return info;
  };
}
