// Scheduled secret rotation: on every tick (default hourly, on the injected clock) plan what is due
// (core planRotations) and act: renew generated values, report values people must rotate (once per
// due date), and roll due gateway tokens one gateway at a time, stopping at the first gateway that
// does not come back ready.
import { type RotationInput, type RotationPlan, planRotations } from '../core/secret-rotation.ts';
import type { Clock, TimerHandle } from './clock.ts';

export interface RotationSchedulerDeps {
  clock: Clock;
  /** How often to look (default one hour). */
  intervalMs?: number;
  collect(): Promise<RotationInput[]>;
  renew(org: string, name: string, scope: string): Promise<void>;
  reportDue(org: string, name: string, scope: string, dueAt: string): Promise<void>;
  roll(org: string, gateway: string): Promise<{ restarted: boolean; ready: boolean }>;
  onError(where: string, err: unknown): void;
}

export interface RotationScheduler {
  start(): void;
  stop(): void;
  /** One pass (what a tick does); returns the plan it acted on. */
  runOnce(): Promise<RotationPlan>;
}

export const ROTATION_CHECK_MS = 3_600_000;

export function createRotationScheduler(deps: RotationSchedulerDeps): RotationScheduler {
  const interval = deps.intervalMs ?? ROTATION_CHECK_MS;
  const reported = new Set<string>();
  let timer: TimerHandle | undefined;
  let stopped = true;
  let running: Promise<unknown> | undefined;

  const runOnce = async (): Promise<RotationPlan> => {
    const plan = planRotations(await deps.collect(), deps.clock.now());
    for (const r of plan.renew) {
      await deps.renew(r.org, r.name, r.scope).catch((e: unknown) => deps.onError(`renew ${r.org}/${r.name}`, e));
    }
    for (const d of plan.due) {
      const key = `${d.org}\0${d.name}\0${d.scope}\0${d.dueAt}`;
      if (reported.has(key)) continue;
      reported.add(key);
      await deps.reportDue(d.org, d.name, d.scope, d.dueAt).catch((e: unknown) => deps.onError(`report ${d.org}/${d.name}`, e));
    }
    for (const g of plan.roll) {
      if (stopped && timer !== undefined) break;
      try {
        const r = await deps.roll(g.org, g.gateway);
        if (r.restarted && !r.ready) break;
      } catch (e) {
        deps.onError(`roll ${g.org}/${g.gateway}`, e);
        break;
      }
    }
    return plan;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = deps.clock.setTimer(() => {
      running = runOnce()
        .catch((e: unknown) => deps.onError('rotation pass', e))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, interval);
  };

  return {
    start: () => {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    stop: () => {
      stopped = true;
      if (timer !== undefined) deps.clock.clearTimer(timer);
      timer = undefined;
    },
    runOnce,
  };
}
