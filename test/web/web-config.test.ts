import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { pickLocale } from '../../src/web/pick-locale.js';

describe('web configuration', () => {
  it('DISCORD_CLIENT_SECRET turns Sign in with Discord on beside the bot, and alone is refused by name', () => {
    const bot = { DISCORD_TOKEN: 'bot-token', DISCORD_APPLICATION_ID: '775799577604522054' };
    expect(loadConfig({ ...bot, DISCORD_CLIENT_SECRET: 'oauth-secret' }).discord).toMatchObject({ applicationId: '775799577604522054', clientSecret: 'oauth-secret' });
    expect(loadConfig(bot).discord?.clientSecret).toBeUndefined();
    expect(() => loadConfig({ DISCORD_CLIENT_SECRET: 'oauth-secret' })).toThrow(ConfigError);
    expect(() => loadConfig({ DISCORD_CLIENT_SECRET: 'oauth-secret' })).toThrow(/DISCORD_CLIENT_SECRET: Sign in with Discord needs the Discord bot configured too/);
  });

  it("pages speak the browser's first language the hub knows, then the user's, then English", () => {
    expect(pickLocale('fr-CH, fr;q=0.9, en;q=0.8')).toBe('fr');
    expect(pickLocale('de-DE, en;q=0.5, fr;q=0.7')).toBe('fr');
    expect(pickLocale('en;q=0.1, fr;q=0')).toBe('en');
    expect(pickLocale('de, es', 'fr')).toBe('fr');
    expect(pickLocale(undefined, 'de')).toBe('en');
    expect(pickLocale('*')).toBe('en');
  });
});
