import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues.js';
import { lastClosedPeriod, periodClosePattern } from '../../src/settlement/period-close.js';
import { schedulePeriodClose } from '../../src/settlement/schedule-settlement.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

describe('period close', () => {
  it('fires monthly once the grace after midnight of the 1st has passed', () => {
    expect(periodClosePattern(60)).toBe('0 1 1 * *');
    expect(periodClosePattern(0)).toBe('0 0 1 * *');
    expect(periodClosePattern(95)).toBe('35 1 1 * *');
    expect(periodClosePattern(2 * 1440 + 30)).toBe('30 0 3 * *');
  });

  it('settles the month whose end plus grace has passed, in SETTLEMENT_TZ', () => {
    expect(lastClosedPeriod(new Date('2026-11-01T01:00:00Z'), 'UTC', 60)).toBe('2026-10');
    expect(lastClosedPeriod(new Date('2026-11-01T00:59:59Z'), 'UTC', 60)).toBe('2026-09');
    // Paris is UTC+1 in November: October ends there at 2026-10-31T23:00Z.
    expect(lastClosedPeriod(new Date('2026-11-01T00:00:00Z'), 'Europe/Paris', 60)).toBe('2026-10');
    expect(lastClosedPeriod(new Date('2027-01-01T05:00:00Z'), 'UTC', 60)).toBe('2026-12');
  });

  it('is registered once however many processes start (upsert)', async () => {
    const queue = new Queue(QUEUES.settle, { connection: { url: TEST_REDIS_URL }, prefix: randomQueuePrefix() });
    try {
      await Promise.all([1, 2, 3].map(() => schedulePeriodClose(queue, { timeZone: 'Europe/Paris', graceMinutes: 60 })));
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ key: 'period-close', pattern: '0 1 1 * *', tz: 'Europe/Paris' });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
