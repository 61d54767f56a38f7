import { describe, expect, it } from 'vitest';
import { USER_THROTTLE, lockRemainingMs, recordFailure } from './login-throttle.ts';

describe('login throttle', () => {
  it('locks after the free failures with exponential backoff up to the cap', () => {
    let now = new Date('2026-12-04T10:00:00.000Z');
    let rec;
    const locks: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = recordFailure(rec, 'user:a', USER_THROTTLE, now);
      rec = r.next;
      locks.push(r.lockMs);
      now = new Date(now.getTime() + r.lockMs + 1);
    }
    expect(locks).toEqual([0, 0, 0, 0, 0, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
  });
  it('reports the remaining lock and forgets old failures', () => {
    const t0 = new Date('2026-12-04T10:00:00.000Z');
    const { next } = recordFailure({ key: 'k', failures: 5, updatedAt: t0.toISOString() }, 'k', USER_THROTTLE, t0);
    expect(lockRemainingMs(next, new Date(t0.getTime() + 10_000))).toBe(20_000);
    expect(lockRemainingMs(next, new Date(t0.getTime() + 40_000))).toBe(0);
    const later = new Date(t0.getTime() + 2 * 60 * 60_000);
    expect(recordFailure(next, 'k', USER_THROTTLE, later).next.failures).toBe(1);
  });
});
