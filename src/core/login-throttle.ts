// Login rate limiting: failures per key (user or client address), lockout with exponential backoff.
import type { LoginThrottleRecord } from './ports/identity-store.ts';

export interface ThrottlePolicy {
  /** Failures allowed before the first lockout. */
  freeFailures: number;
  /** First lockout; doubles with every further failure. */
  baseLockMs: number;
  maxLockMs: number;
  /** Failures older than this (without a lock in force) are forgotten. */
  resetAfterMs: number;
}

export const USER_THROTTLE: ThrottlePolicy = { freeFailures: 5, baseLockMs: 30_000, maxLockMs: 15 * 60_000, resetAfterMs: 60 * 60_000 };
export const IP_THROTTLE: ThrottlePolicy = { freeFailures: 20, baseLockMs: 60_000, maxLockMs: 60 * 60_000, resetAfterMs: 60 * 60_000 };

/** Milliseconds until the key may try again (0 = now). */
export function lockRemainingMs(rec: LoginThrottleRecord | undefined, now: Date): number {
  if (!rec?.lockedUntil) return 0;
  return Math.max(0, Date.parse(rec.lockedUntil) - now.getTime());
}

/** The record after one more failure; `locked` says whether this failure started a lockout. */
export function recordFailure(rec: LoginThrottleRecord | undefined, key: string, policy: ThrottlePolicy, now: Date): { next: LoginThrottleRecord; lockMs: number } {
  const stale = rec !== undefined && lockRemainingMs(rec, now) === 0 && now.getTime() - Date.parse(rec.updatedAt) > policy.resetAfterMs;
  const failures = (stale || !rec ? 0 : rec.failures) + 1;
  const over = failures - policy.freeFailures;
  const lockMs = over > 0 ? Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(over - 1, 20)) : 0;
  const next: LoginThrottleRecord = { key, failures, updatedAt: now.toISOString() };
  if (lockMs > 0) next.lockedUntil = new Date(now.getTime() + lockMs).toISOString();
  return { next, lockMs };
}
