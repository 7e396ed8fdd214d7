import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLACK_SCOPES } from '../../../adapters/slack/slack-app.js';

type Manifest = {
  features: { slash_commands: { command: string; url: string }[] };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { request_url: string } };
};

/** The manifest an operator creates the Slack app from must ask for what the code uses, and point where the hub listens. */
describe('Slack app manifest', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../adapters/slack/manifest.json', import.meta.url), 'utf8')) as Manifest;

  it('asks for exactly the scopes the OAuth install requests', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SLACK_SCOPES].sort());
  });

  it('subscribes to the reaction events and routes everything to the hub\'s Slack endpoints', () => {
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['reaction_added', 'reaction_removed']);
    const urls = [manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url, ...manifest.features.slash_commands.map((c) => c.url)];
    expect(new Set(urls)).toEqual(new Set(['HUB_PUBLIC_URL/slack/events']));
    expect(manifest.oauth_config.redirect_urls).toEqual(['HUB_PUBLIC_URL/slack/oauth_redirect']);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/flattr']);
  });
});
