// Gateway controller: a work queue of gateway keys, workers running reconcileGateway, a periodic
// resync of every gateway, and a crash watcher polling the runtime driver.
import type { BackoffOptions } from '../core/backoff.ts';
import type { ObservedGateway, RuntimeDriver } from '../core/ports/runtime.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { deploymentId as defaultDeploymentId, gatewayKey } from './gateway-key.ts';
import type { GatewayEvent, ReconcileResult } from './reconcile-gateway.ts';
import { type WorkQueue, type WorkerPool, createWorkQueue, runWorkers } from './work-queue.ts';

export interface GatewayListItem {
  org: string;
  name: string;
  desiredState?: 'running' | 'stopped';
}

export interface ControllerOptions {
  /** Enqueue every gateway this often. Default 30 s. */
  resyncIntervalMs?: number;
  /** Poll driver.observeAll() this often for crashed gateways. Default 2 s. */
  crashPollIntervalMs?: number;
  /** Gateways reconciled in parallel (a key is never reconciled twice at once). Default 2. */
  concurrency?: number;
  /** Backoff of failed reconciles. Default 1 s → 5 min. */
  backoff?: BackoffOptions;
}

export interface ControllerDeps {
  /**
   * One reconcile pass; typically `(key, signal) => reconcileGateway(key, reconcileDeps, signal)`.
   * Throw to retry with backoff. `signal` aborts when the controller stops.
   */
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void>;
  /** Every gateway the controller is responsible for (all orgs). */
  listGateways(): Promise<GatewayListItem[]>;
  driver: Pick<RuntimeDriver, 'observeAll'>;
  clock: Clock;
  emit(event: GatewayEvent): void;
  random?: () => number;
  /** Called for every failed reconcile / resync / crash poll (for logging). */
  onError?(where: string, err: unknown): void;
  deploymentId?(org: string, name: string): string;
  options?: ControllerOptions;
}

export interface GatewayController {
  start(): void;
  /** Stops timers and the queue; resolves once in-flight reconciles have finished. */
  stop(): Promise<void>;
  enqueue(org: string, name: string): void;
  /** Run one resync / crash poll now (also used by the timers). */
  resync(): Promise<void>;
  checkCrashes(): Promise<void>;
  readonly queue: WorkQueue;
}

export function createGatewayController(deps: ControllerDeps): GatewayController {
  const { clock } = deps;
  const resyncMs = deps.options?.resyncIntervalMs ?? 30_000;
  const crashMs = deps.options?.crashPollIntervalMs ?? 2000;
  const idOf = deps.deploymentId ?? defaultDeploymentId;
  const queue = createWorkQueue({ clock, ...(deps.random ? { random: deps.random } : {}), backoff: deps.options?.backoff ?? { baseMs: 1000, maxMs: 300_000 } });
  /** deployment id → gateway, from the last listing and explicit enqueues. */
  const known = new Map<string, GatewayListItem>();
  /** deployment id → signature of the exit already reported. */
  const reported = new Map<string, string>();
  let pool: WorkerPool | undefined;
  let resyncTimer: TimerHandle | undefined;
  let crashTimer: TimerHandle | undefined;
  let running = false;
  let abort = new AbortController();

  const report = (where: string, err: unknown): void => deps.onError?.(where, err);

  async function resync(): Promise<void> {
    const items = await deps.listGateways();
    known.clear();
    for (const g of items) {
      known.set(idOf(g.org, g.name), g);
      queue.add(gatewayKey(g.org, g.name));
    }
  }

  async function checkCrashes(): Promise<void> {
    const observed = await deps.driver.observeAll();
    for (const o of observed) {
      if (o.phase !== 'exited') {
        reported.delete(o.id);
        continue;
      }
      const g = known.get(o.id);
      if (!g || g.desiredState === 'stopped') continue;
      const signature = exitSignature(o);
      if (reported.get(o.id) === signature) continue;
      reported.set(o.id, signature);
      deps.emit({
        type: 'gateway.crashed',
        org: g.org,
        gateway: g.name,
        message: `gateway ${g.name} exited unexpectedly${o.exitCode !== undefined && o.exitCode !== null ? ` (exit code ${o.exitCode})` : ''}`,
        time: new Date(clock.now()).toISOString(),
        details: { exitCode: o.exitCode ?? null, ...(o.pid !== undefined ? { pid: o.pid } : {}) },
      });
      queue.add(gatewayKey(g.org, g.name));
    }
  }

  function schedule(kind: 'resync' | 'crash'): void {
    if (!running) return;
    if (kind === 'resync') {
      resyncTimer = clock.setTimer(() => {
        resync().catch((err: unknown) => report('resync', err)).finally(() => schedule('resync'));
      }, resyncMs);
    } else {
      crashTimer = clock.setTimer(() => {
        checkCrashes().catch((err: unknown) => report('crash-watch', err)).finally(() => schedule('crash'));
      }, crashMs);
    }
  }

  return {
    queue,
    resync,
    checkCrashes,
    enqueue(org, name) {
      const id = idOf(org, name);
      if (!known.has(id)) known.set(id, { org, name });
      queue.add(gatewayKey(org, name));
    },
    start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      pool = runWorkers(queue, async (key) => (await deps.reconcile(key, abort.signal)) ?? undefined, {
        concurrency: deps.options?.concurrency ?? 2,
        onError: (key, err) => report(`reconcile ${key}`, err),
      });
      resync().catch((err: unknown) => report('resync', err));
      schedule('resync');
      schedule('crash');
    },
    async stop() {
      running = false;
      if (resyncTimer !== undefined) clock.clearTimer(resyncTimer);
      if (crashTimer !== undefined) clock.clearTimer(crashTimer);
      queue.shutDown();
      abort.abort();
      await pool?.stopped;
    },
  };
}

function exitSignature(o: ObservedGateway): string {
  return `${o.startedAt ?? ''}|${o.pid ?? ''}|${o.exitCode ?? ''}|${o.restarts ?? ''}`;
}
