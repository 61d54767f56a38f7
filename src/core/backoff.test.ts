import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it.each([
    // attempt, random, opts, expected
    [0, 0.5, {}, 1000],
    [1, 0.5, {}, 2000],
    [3, 0.5, {}, 8000],
    [0, 0, {}, 800],
    [0, 0.999999, {}, 1200],
    [20, 0.5, {}, 300_000],
    [20, 0.999, {}, 300_000],
    [2, 0.5, { baseMs: 100, factor: 3 }, 900],
    [1000, 0.5, { maxMs: 5000 }, 5000],
    [-3, 0.5, {}, 1000],
    [Number.NaN, 0.5, {}, 1000],
    [0, Number.NaN, { jitter: 0.5 }, 1000],
    [1, 0, { jitter: 0 }, 2000],
  ])('attempt %s random %s %o → %s', (attempt, random, opts, expected) => {
    expect(backoffDelay(attempt, random, opts)).toBe(expected);
  });

  it('stays within ±jitter of the nominal delay and never above max', () => {
    for (let a = 0; a < 30; a++) {
      for (const r of [0, 0.1, 0.5, 0.9, 0.9999]) {
        const d = backoffDelay(a, r, { baseMs: 500, maxMs: 60_000, jitter: 0.25 });
        const nominal = Math.min(500 * 2 ** a, 60_000);
        expect(d).toBeGreaterThanOrEqual(Math.floor(nominal * 0.75));
        expect(d).toBeLessThanOrEqual(60_000);
      }
    }
  });
});
