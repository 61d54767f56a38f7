// Samples CPU / memory / pids of every running gateway in the background, so metrics scrapes read
// figures from memory instead of calling every driver (a docker stats call takes about a second).
import type { GatewayStats, RuntimeDriver } from '../core/ports/runtime.ts';

export interface StatsSample {
  stats: GatewayStats;
  /** ISO time the sample was taken. */
  at: string;
}

export interface StatsSampler {
  start(): void;
  stop(): void;
  /** One pass over the running gateways (what the timer runs). */
  sampleNow(): Promise<void>;
  /** The last sample of a running gateway (by deployment id). */
  get(id: string): StatsSample | undefined;
}

export function createStatsSampler(opts: {
  driver: Pick<RuntimeDriver, 'observeAll' | 'stats'>;
  /** 0 disables the timer (sampleNow still works). */
  intervalMs: number;
  concurrency?: number;
  timeoutMs?: number;
  now: () => Date;
  onError?: (id: string | undefined, err: unknown) => void;
}): StatsSampler {
  const samples = new Map<string, StatsSample>();
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const withTimeout = <T>(p: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`stats did not answer within ${timeoutMs} ms`)), timeoutMs);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); });
  });

  async function pass(): Promise<void> {
    const stats = opts.driver.stats?.bind(opts.driver);
    if (!stats) return;
    let observed;
    try {
      observed = await opts.driver.observeAll();
    } catch (e) {
      opts.onError?.(undefined, e);
      return;
    }
    const live = observed.filter((o) => o.phase === 'running').map((o) => o.id);
    const liveSet = new Set(live);
    for (const id of samples.keys()) if (!liveSet.has(id)) samples.delete(id);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < live.length && !stopped) {
        const id = live[next++]!;
        try {
          samples.set(id, { stats: await withTimeout(stats(id)), at: opts.now().toISOString() });
        } catch (e) {
          samples.delete(id);
          opts.onError?.(id, e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, live.length) }, worker));
  }

  const sampleNow = (): Promise<void> => {
    running ??= pass().finally(() => { running = undefined; });
    return running;
  };

  const schedule = (): void => {
    if (stopped || opts.intervalMs <= 0) return;
    timer = setTimeout(() => { void sampleNow().finally(schedule); }, opts.intervalMs);
    timer.unref?.();
  };

  return {
    start: () => {
      stopped = false;
      if (timer === undefined) schedule();
    },
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    sampleNow,
    get: (id) => samples.get(id),
  };
}
