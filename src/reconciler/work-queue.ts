// Keyed work queue with the semantics of controller-runtime / client-go workqueues:
//  - a key waiting in the queue is stored once (adds are deduplicated);
//  - a key is never handed to two workers at once; adding it while it is processed marks it dirty
//    and it is queued again when the worker calls done();
//  - addAfter() delays an add (the earliest pending delay wins); addRateLimited() delays by
//    exponential backoff per key, forget() resets that key's failure count.
import { type BackoffOptions, backoffDelay } from '../core/backoff.ts';
import type { Clock, TimerHandle } from './clock.ts';

export interface WorkQueueOptions {
  clock: Clock;
  /** Random source in [0, 1) for backoff jitter. Default Math.random. */
  random?: () => number;
  backoff?: BackoffOptions;
}

export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, ms: number): void;
  addRateLimited(key: string): void;
  forget(key: string): void;
  numRequeues(key: string): number;
  /** Next key to process; waits when empty; undefined once the queue is shut down. */
  get(): Promise<string | undefined>;
  done(key: string): void;
  /** Keys waiting to be processed (not counting delayed or in-flight ones). */
  len(): number;
  isProcessing(key: string): boolean;
  shutDown(): void;
  readonly shuttingDown: boolean;
}

export function createWorkQueue(opts: WorkQueueOptions): WorkQueue {
  const { clock } = opts;
  const random = opts.random ?? Math.random;
  const queue: string[] = [];
  const dirty = new Set<string>();
  const processing = new Set<string>();
  const waiters: ((key: string | undefined) => void)[] = [];
  const delayed = new Map<string, { due: number; handle: TimerHandle }>();
  const failures = new Map<string, number>();
  let shuttingDown = false;

  function pump(): void {
    while (waiters.length > 0 && queue.length > 0) {
      const key = queue.shift() as string;
      dirty.delete(key);
      processing.add(key);
      (waiters.shift() as (k: string | undefined) => void)(key);
    }
  }

  const q: WorkQueue = {
    add(key) {
      if (shuttingDown || dirty.has(key)) return;
      dirty.add(key);
      if (processing.has(key)) return;
      queue.push(key);
      pump();
    },
    addAfter(key, ms) {
      if (shuttingDown) return;
      if (ms <= 0) return q.add(key);
      const due = clock.now() + ms;
      const existing = delayed.get(key);
      if (existing && existing.due <= due) return;
      if (existing) clock.clearTimer(existing.handle);
      const handle = clock.setTimer(() => {
        delayed.delete(key);
        q.add(key);
      }, ms);
      delayed.set(key, { due, handle });
    },
    addRateLimited(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      q.addAfter(key, backoffDelay(n, random(), opts.backoff));
    },
    forget(key) {
      failures.delete(key);
    },
    numRequeues: (key) => failures.get(key) ?? 0,
    get() {
      if (shuttingDown) return Promise.resolve(undefined);
      return new Promise<string | undefined>((resolve) => {
        waiters.push(resolve);
        pump();
      });
    },
    done(key) {
      processing.delete(key);
      if (dirty.has(key) && !shuttingDown) {
        queue.push(key);
        pump();
      }
    },
    len: () => queue.length,
    isProcessing: (key) => processing.has(key),
    shutDown() {
      shuttingDown = true;
      for (const { handle } of delayed.values()) clock.clearTimer(handle);
      delayed.clear();
      for (const w of waiters.splice(0)) w(undefined);
    },
    get shuttingDown() {
      return shuttingDown;
    },
  };
  return q;
}

export interface HandlerResult {
  /** Process the key again after this delay even on success (e.g. waiting for readiness). */
  requeueAfterMs?: number;
}

export interface WorkerPool {
  /** Resolves when every worker has finished its current key after the queue was shut down. */
  readonly stopped: Promise<void>;
}

/**
 * Run `concurrency` workers over the queue. Success → forget(key) (+ addAfter when requeueAfterMs);
 * a throw → addRateLimited(key). Always done(key).
 */
export function runWorkers(
  queue: WorkQueue,
  handler: (key: string) => Promise<HandlerResult | void>,
  opts: { concurrency?: number; onError?: (key: string, err: unknown) => void } = {},
): WorkerPool {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
  async function worker(): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const r = await handler(key);
        queue.forget(key);
        if (r && r.requeueAfterMs !== undefined) queue.addAfter(key, r.requeueAfterMs);
      } catch (err) {
        opts.onError?.(key, err);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  }
  const stopped = Promise.all(Array.from({ length: concurrency }, () => worker())).then(() => undefined);
  return { stopped };
}
