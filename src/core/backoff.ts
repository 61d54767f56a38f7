// Exponential backoff with proportional jitter. Pure: the random input is passed in.

export interface BackoffOptions {
  /** Delay of the first retry (attempt 0), before jitter. Default 1000 ms. */
  baseMs?: number;
  /** Upper bound of any delay, jitter included. Default 5 minutes. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Jitter as a fraction of the delay: the result lies in [d·(1−j), d·(1+j)]. Default 0.2. */
  jitter?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 1000, maxMs: 300_000, factor: 2, jitter: 0.2 };

/**
 * Delay before retry number `attempt` (0-based). `random` is a number in [0, 1), e.g. from Math.random()
 * at the edge; 0.5 means "no jitter". The result is an integer in [0, maxMs].
 */
export function backoffDelay(attempt: number, random: number, opts: BackoffOptions = {}): number {
  const { baseMs, maxMs, factor, jitter } = { ...DEFAULT_BACKOFF, ...opts };
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0.5;
  const j = Math.min(Math.max(jitter, 0), 1);
  // factor^n overflows to Infinity for large n; min() keeps it bounded.
  const raw = Math.min(baseMs * Math.pow(factor, n), maxMs);
  const jittered = raw * (1 - j + 2 * j * r);
  return Math.max(0, Math.min(Math.round(jittered), maxMs));
}
