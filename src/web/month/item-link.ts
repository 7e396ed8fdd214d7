/**
 * Where a flattred item can be opened, when a link can be built from its id
 * alone: a Discord message and a post on X link to the message; a Slack
 * message's own permalink needs the workspace's domain, which the hub does
 * not keep, so it links to the channel in Slack's web client.
 */
export function itemLink(platform: string, item: string): string | undefined {
  if (platform === 'discord') {
    const [guild, channel, message] = item.split(':');
    return /^\d+$/.test(guild ?? '') && /^\d+$/.test(channel ?? '') && /^\d+$/.test(message ?? '') ? `https://discord.com/channels/${guild}/${channel}/${message}` : undefined;
  }
  if (platform === 'slack') {
    const [team, channel] = item.split(':');
    return /^[A-Z0-9]+$/.test(team ?? '') && /^[A-Z0-9]+$/.test(channel ?? '') ? `https://app.slack.com/client/${team}/${channel}` : undefined;
  }
  if (platform === 'twitter') return /^\d+$/.test(item) ? `https://x.com/i/web/status/${item}` : undefined;
  return undefined;
}
