// One RuntimeDriver over the drivers of every target (process, docker, kubernetes): the reconciler
// and controller keep talking to a single port, and each gateway is routed to the driver of its
// target (spec.target.kind, else the group / org default). The router learns a gateway's target
// when its desired state is loaded; before that (or for deleted gateways) it asks every driver.
// A target without a driver fails with a clear message (the reconciler marks the gateway Degraded).
// When a gateway moves to another target, the old target's instance is removed (state archived).
import type {
  DriverHealth, ExecResult, GatewayDeployment, GatewayExitEvent, GatewayStats, LogOptions, ObservedGateway, RuntimeDriver,
  RuntimeExecRequest, RuntimeExecResult,
} from '../core/ports/runtime.ts';
import { TARGET_UNAVAILABLE } from '../core/ports/runtime.ts';

export type TargetKind = RuntimeDriver['target'];

export interface RoutingDriver extends RuntimeDriver {
  /** Record the target of a gateway (from its desired state). */
  remember(id: string, target: TargetKind): void;
  /** The driver of a target, when one is available. */
  driverFor(target: TargetKind): RuntimeDriver | undefined;
  archivePaths(id: string, relPaths: string[], label: string): Promise<string | undefined>;
  stats(id: string): Promise<GatewayStats>;
  /** Health from the target (Kubernetes: pod Ready); undefined when the target's driver has none (probe over HTTP). */
  observeHealth(id: string): Promise<DriverHealth | undefined>;
  /** Diagnostic exec, forwarded to the gateway's target driver (throws when that driver has none). */
  execCommand(id: string, command: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  onExit(listener: (event: GatewayExitEvent) => void): () => void;
}

export class TargetUnavailableError extends Error {
  readonly code = TARGET_UNAVAILABLE;
}

export function createRoutingDriver(opts: {
  drivers: Partial<Record<TargetKind, RuntimeDriver>>;
  /** Why a target has no driver (shown to users). */
  unavailable?: Partial<Record<TargetKind, string>>;
  onWarn?: (msg: string, details: object) => void;
}): RoutingDriver {
  const targets = new Map<string, TargetKind>();
  /** Targets whose observeAll failed last time (warn once, not every poll). */
  const failing = new Set<TargetKind>();
  const available = (Object.entries(opts.drivers) as [TargetKind, RuntimeDriver | undefined][]).filter((e): e is [TargetKind, RuntimeDriver] => e[1] !== undefined);

  const need = (target: TargetKind): RuntimeDriver => {
    const d = opts.drivers[target];
    if (d) return d;
    const why = opts.unavailable?.[target] ?? 'no driver for it is configured on this control plane';
    throw new TargetUnavailableError(`target ${target} is not available: ${why}`);
  };

  /** The driver that has this gateway: its known target, else the first driver that sees it. */
  const locate = async (id: string): Promise<RuntimeDriver | undefined> => {
    const t = targets.get(id);
    if (t) return need(t);
    for (const [, d] of available) {
      const o = await d.observe(id).catch(() => undefined);
      if (o && o.phase !== 'missing') return d;
    }
    return undefined;
  };

  /** Remove the gateway from every other target (it moved). */
  const evictElsewhere = async (id: string, keep: TargetKind): Promise<void> => {
    for (const [t, d] of available) {
      if (t === keep) continue;
      const o = await d.observe(id).catch(() => undefined);
      if (!o || o.phase === 'missing') continue;
      opts.onWarn?.('gateway moved to another target: removing it from the old one', { id, from: t, to: keep });
      await d.remove(id, { archive: true });
    }
  };

  return {
    target: 'process',
    remember: (id, target) => {
      targets.set(id, target);
    },
    driverFor: (target) => opts.drivers[target],

    async observe(id) {
      const d = await locate(id);
      return d ? d.observe(id) : { id, phase: 'missing' };
    },

    async observeAll() {
      const out: ObservedGateway[] = [];
      const seen = new Set<string>();
      for (const [t, d] of available) {
        let list: ObservedGateway[];
        try {
          list = await d.observeAll();
        } catch (e) {
          // One unreachable engine must not blind the crash watcher for the other targets.
          if (!failing.has(t)) opts.onWarn?.('observing a target failed', { target: t, err: e instanceof Error ? e.message : String(e) });
          failing.add(t);
          continue;
        }
        failing.delete(t);
        for (const o of list) {
          const known = targets.get(o.id);
          if (known !== undefined && known !== t) continue;
          if (seen.has(o.id)) continue;
          seen.add(o.id);
          out.push(o);
        }
      }
      return out;
    },

    async start(d: GatewayDeployment) {
      const t = targets.get(d.id) ?? 'process';
      const driver = need(t);
      await evictElsewhere(d.id, t);
      return driver.start(d);
    },

    async writeFiles(d) {
      await need(targets.get(d.id) ?? 'process').writeFiles(d);
    },

    async stop(id, o) {
      await (await locate(id))?.stop(id, o);
    },

    async kill(id) {
      await (await locate(id))?.kill(id);
    },

    async remove(id, o) {
      let result: { archive?: string } = {};
      for (const [, d] of available) {
        const obs = await d.observe(id).catch(() => undefined);
        if (!obs || obs.phase === 'missing') continue;
        const r = await d.remove(id, o);
        if (r.archive && !result.archive) result = r;
      }
      return result;
    },

    async archivePaths(id, relPaths, label) {
      const d = await locate(id);
      if (!d?.archivePaths) return undefined;
      return d.archivePaths(id, relPaths, label);
    },

    async readConfig(id) {
      return (await locate(id))?.readConfig(id);
    },

    async *logs(id: string, o?: LogOptions) {
      const d = await locate(id);
      if (d) yield* d.logs(id, o);
    },

    async stats(id): Promise<GatewayStats> {
      const d = await locate(id);
      return d?.stats ? d.stats(id) : {};
    },

    // The runtime's CLI against the gateway's own state (rollout gates, backups): forwarded to its target's driver.
    async exec(id: string, req: RuntimeExecRequest): Promise<RuntimeExecResult> {
      const d = await locate(id);
      if (!d) throw new Error(`gateway ${id} is not deployed`);
      if (!d.exec) throw new Error(`the ${d.target} driver cannot run the runtime's CLI`);
      return d.exec(id, req);
    },

    async backupDir(id: string): Promise<string> {
      const d = await locate(id);
      if (!d) throw new Error(`gateway ${id} is not deployed`);
      if (!d.backupDir) throw new Error(`the ${d.target} driver cannot run backups`);
      return d.backupDir(id);
    },

    async restoreState(id: string, archive: string): Promise<void> {
      const d = await locate(id);
      if (!d) throw new Error(`gateway ${id} is not deployed`);
      if (!d.restoreState) throw new Error(`the ${d.target} driver cannot restore state`);
      return d.restoreState(id, archive);
    },

    async execCommand(id, command, o): Promise<ExecResult> {
      const d = await locate(id);
      if (!d) throw new Error(`gateway ${id} is not deployed`);
      if (!d.execCommand) throw new Error(`target ${d.target} does not support exec`);
      return d.execCommand(id, command, o);
    },

    async observeHealth(id) {
      const d = await locate(id);
      return d?.observeHealth ? d.observeHealth(id) : undefined;
    },

    // Never throw here: the reconciler asks before its error handling; an unavailable target fails at observe().
    endpoint: (id, port) => opts.drivers[targets.get(id) ?? 'process']?.endpoint(id, port) ?? { host: '127.0.0.1', port },

    stateDirFor: (id) => (opts.drivers[targets.get(id) ?? 'process'] ?? opts.drivers.process)?.stateDirFor(id) ?? `/var/lib/clawplane/${id}/state`,

    onExit(listener) {
      const offs = available.map(([, d]) => d.onExit?.(listener)).filter((f): f is () => void => f !== undefined);
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
