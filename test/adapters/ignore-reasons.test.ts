import { describe, expect, it } from 'vitest';
import { ADAPTER_IGNORE_REASONS, type AdapterContext } from '../../src/adapters/port.js';
import { IGNORE_REASONS } from '../../src/domain/judge-like.js';

describe('ignore reasons', () => {
  it('are spelled snake_case on every platform and in the ingest (one spelling per metric label)', () => {
    for (const reason of [...ADAPTER_IGNORE_REASONS, ...IGNORE_REASONS]) expect(reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(ADAPTER_IGNORE_REASONS).size).toBe(ADAPTER_IGNORE_REASONS.length);
  });

  it('name a self-like the same in the adapters and the ingest', () => {
    expect(ADAPTER_IGNORE_REASONS).toContain('self_like');
    expect(IGNORE_REASONS).toContain('self_like');
  });

  it('are checked at compile time: ctx.ignore takes only a known reason', () => {
    const seen: string[] = [];
    const ignore: AdapterContext['ignore'] = (_platform, reason) => void seen.push(reason);
    ignore('discord', 'self_like');
    // @ts-expect-error the old kebab-case spelling is not a reason any more
    ignore('discord', 'self-reaction');
    expect(seen).toEqual(['self_like', 'self-reaction']);
  });
});
