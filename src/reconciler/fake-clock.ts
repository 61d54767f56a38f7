// Fake Clock (behind the Clock port) for unit tests: time moves only when the test advances it.
import type { Clock, TimerHandle } from './clock.ts';

export interface FakeClock extends Clock {
  /** Move time forward, firing due timers in order (and letting their promise callbacks run). */
  advance(ms: number): Promise<void>;
  /** Number of pending timers. */
  pending(): number;
}

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/** Let queued promise callbacks and I/O callbacks run (no time passes on the fake clock). */
export async function flushAsync(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export function createFakeClock(start = Date.parse('2026-01-01T00:00:00.000Z')): FakeClock {
  let now = start;
  let seq = 0;
  let timers: Timer[] = [];
  const clock: FakeClock = {
    now: () => now,
    setTimer(fn, ms) {
      const t: Timer = { id: ++seq, due: now + Math.max(0, ms), fn };
      timers.push(t);
      return t.id;
    },
    clearTimer(h: TimerHandle) {
      timers = timers.filter((t) => t.id !== h);
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const id = clock.setTimer(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        function onAbort(): void {
          clock.clearTimer(id);
          resolve();
        }
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async advance(ms) {
      const end = now + ms;
      await flushAsync();
      for (;;) {
        const next = timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
        if (!next) break;
        timers = timers.filter((t) => t !== next);
        now = next.due;
        next.fn();
        await flushAsync();
      }
      now = end;
      await flushAsync();
    },
    pending: () => timers.length,
  };
  return clock;
}
