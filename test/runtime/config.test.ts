import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('configuration', () => {
  it('names the missing variable when a platform is half configured, instead of leaving it silently off', () => {
    expect(problems({ SLACK_SIGNING_SECRET: 's3cret' })).toEqual([
      'SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth installs): required with SLACK_SIGNING_SECRET',
    ]);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual(['SLACK_SIGNING_SECRET: required when Slack is configured']);
    expect(problems({ DISCORD_TOKEN: 't' })).toEqual(['DISCORD_APPLICATION_ID: required with DISCORD_TOKEN']);
    expect(problems({ DISCORD_APPLICATION_ID: '1' })).toEqual(['DISCORD_TOKEN: required with DISCORD_APPLICATION_ID']);
  });

  it('reports every problem at once, each naming its variable, and never echoes a secret', () => {
    const found = problems({ PORT: 'eighty', FEE_BPS: '-1', REDIS_URL: 'http://user:pw@host', SLACK_SIGNING_SECRET: 'x' });
    expect(found.map((p) => p.split(/[: ]/)[0])).toEqual(['REDIS_URL', 'PORT', 'FEE_BPS', 'SLACK_BOT_TOKEN']);
    expect(found.join('\n')).not.toContain('pw');
  });

  it('turns a fully configured platform on', () => {
    expect(loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }).slack).toMatchObject({ botToken: 'xoxb-1' });
    expect(loadConfig({}).slack).toBeUndefined();
  });

  it('points PUBLIC_URL at the hub\'s own port when it is not set', () => {
    expect(loadConfig({}).http.publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '3917' }).http.publicUrl).toBe('http://localhost:3917');
    expect(loadConfig({ PORT: '3917', PUBLIC_URL: 'https://flattr.example' }).http.publicUrl).toBe('https://flattr.example');
  });
});
