/**
 * Gateway payload builders in the shapes of Discord's docs (see
 * test/fixtures/discord for captured examples of each variant).
 */
export type ReactionSpec = {
  guildId: string; channelId: string; messageId: string; userId: string;
  /** Unicode for a standard emoji, or `{ id, name }` for a custom one. */
  emoji: string | { id: string; name: string };
  bot?: boolean;
  /** MESSAGE_REACTION_ADD names the author on current gateway versions; omit to make the bot fetch the message. */
  authorId?: string;
};

function emojiOf(emoji: ReactionSpec['emoji']) {
  return typeof emoji === 'string' ? { id: null, name: emoji } : { id: emoji.id, name: emoji.name, animated: false };
}

export function reactionAdd(r: ReactionSpec) {
  return {
    user_id: r.userId, type: 0, message_id: r.messageId, channel_id: r.channelId, guild_id: r.guildId, burst: false,
    ...(r.authorId ? { message_author_id: r.authorId } : {}),
    member: {
      user: { id: r.userId, username: `user${r.userId.slice(-4)}`, discriminator: '0', avatar: null, global_name: null, ...(r.bot ? { bot: true } : {}) },
      roles: [], joined_at: '2026-01-01T00:00:00.000000+00:00', deaf: false, mute: false, flags: 0, pending: false,
    },
    emoji: emojiOf(r.emoji),
  };
}

export function reactionRemove(r: ReactionSpec) {
  return { user_id: r.userId, type: 0, message_id: r.messageId, channel_id: r.channelId, guild_id: r.guildId, burst: false, emoji: emojiOf(r.emoji) };
}

export function messageOf(m: { channelId: string; messageId: string; authorId: string; bot?: boolean }) {
  return {
    id: m.messageId, channel_id: m.channelId, type: 0, content: 'a message worth a flattr', mentions: [], mention_roles: [],
    attachments: [], embeds: [], components: [], pinned: false, mention_everyone: false, tts: false, flags: 0,
    timestamp: '2026-11-01T10:00:00.000000+00:00', edited_timestamp: null,
    author: { id: m.authorId, username: `user${m.authorId.slice(-4)}`, discriminator: '0', avatar: null, global_name: null, ...(m.bot ? { bot: true } : {}) },
  };
}

export function guildCreate(g: { id: string; channelId: string; ownerId: string }) {
  return {
    id: g.id, name: `guild ${g.id.slice(-4)}`, icon: null, splash: null, discovery_splash: null, owner_id: g.ownerId,
    afk_channel_id: null, afk_timeout: 300, verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0,
    roles: [{ id: g.id, name: '@everyone', permissions: '1071698660929', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    emojis: [{ id: '1166438302211211284', name: 'flattr', roles: [], require_colons: true, managed: false, animated: false, available: true }],
    stickers: [], features: [], mfa_level: 0, application_id: null, system_channel_id: g.channelId, system_channel_flags: 0,
    rules_channel_id: null, max_members: 500000, vanity_url_code: null, description: null, banner: null, premium_tier: 0,
    preferred_locale: 'en-US', public_updates_channel_id: null, nsfw_level: 0, premium_progress_bar_enabled: false,
    joined_at: '2026-01-01T00:00:00.000000+00:00', large: false, unavailable: false, member_count: 3,
    members: [], voice_states: [], presences: [], threads: [], stage_instances: [], guild_scheduled_events: [],
    channels: [{ id: g.channelId, type: 0, name: 'general', guild_id: g.id, position: 0, permission_overwrites: [], nsfw: false, parent_id: null, topic: null, rate_limit_per_user: 0, last_message_id: null }],
  };
}

export type CommandOption = { name: string; type: number; value: string };

/** An INTERACTION_CREATE for `/flattr <subcommand> [options]` typed in a guild channel. */
export function flattrInteraction(i: {
  id: string; token: string; applicationId: string; guildId: string; channelId: string; userId: string;
  subcommand: string; options?: CommandOption[]; locale?: string; permissions?: string;
}) {
  return {
    version: 1, type: 2, id: i.id, token: i.token, application_id: i.applicationId, guild_id: i.guildId,
    guild_locale: 'en-US', locale: i.locale ?? 'en-US', app_permissions: '442368', entitlements: [],
    authorizing_integration_owners: { 0: i.guildId }, context: 0, attachment_size_limit: 10485760,
    channel_id: i.channelId,
    channel: { id: i.channelId, type: 0, guild_id: i.guildId, name: 'general', position: 0, permissions: '2147483647', flags: 0, parent_id: null, nsfw: false, last_message_id: null, rate_limit_per_user: 0, topic: null },
    member: {
      user: { id: i.userId, username: `user${i.userId.slice(-4)}`, discriminator: '0', avatar: null, global_name: null, public_flags: 0 },
      roles: [], permissions: i.permissions ?? '1071698660929', joined_at: '2026-01-01T00:00:00.000000+00:00', deaf: false, mute: false, flags: 0, pending: false,
    },
    data: { id: '771825006014889984', name: 'flattr', type: 1, options: [{ type: 1, name: i.subcommand, ...(i.options?.length ? { options: i.options } : {}) }] },
  };
}
