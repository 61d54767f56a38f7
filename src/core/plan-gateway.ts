// Plan one gateway: desired vs observed → the action that converges it (ARCHITECTURE.md §3). Pure.
import { changedConfigPaths, jsonEqual, parseConfigText } from './config-diff.ts';
import type { ObservedPhase } from './ports/runtime.ts';

export type ReloadKind = 'hot' | 'restart' | 'none';

/** What the gateway should run, reduced to what planning needs. */
export interface PlanDesired {
  desiredState: 'running' | 'stopped';
  drift: 'restore' | 'report';
  /** Hash of everything (files, runtime, env, port, resources). */
  specHash: string;
  /** Hash of what only takes effect at process start: runtime, port, env, resources, target. */
  startHash: string;
  port: number;
  /** Rendered main config text (e.g. openclaw.json). */
  config: string;
}

/** What the reconciler last applied, as recorded in the gateway's status. */
export interface AppliedRecord {
  specHash: string;
  startHash: string;
}

export interface PlanObserved {
  phase: ObservedPhase;
  /** Spec hash the driver started the process with. */
  specHash?: string;
  port?: number;
  /** Main config file as it is on the target now (undefined: missing or unreadable). */
  deployedConfig?: string;
  lastApplied?: AppliedRecord;
}

export interface PlanOptions {
  /** reloadKind per changed config path (from the running gateway's schema). Missing paths count as 'restart'. */
  reloadKinds?: Readonly<Record<string, ReloadKind>>;
}

export type StartReason = 'created' | 'not-running' | 'crashed';
export type RestartReason = 'port-changed' | 'spec-changed' | 'config-requires-restart' | 'unknown-applied-state';

export type PlanAction =
  | { type: 'none'; reason: 'converged' | 'stopped' }
  | { type: 'start'; reason: StartReason }
  | { type: 'restart'; reason: RestartReason; paths: string[] }
  | { type: 'hot-apply'; paths: string[] }
  | { type: 'stop' }
  | { type: 'restore-drift'; paths: string[] }
  | { type: 'report-drift'; paths: string[] };

export type PlanActionType = PlanAction['type'];

/**
 * Config paths that differ between what is deployed and what is rendered. When the deployed file is
 * missing or not parseable, every rendered leaf counts as changed.
 */
export function configChanges(deployed: string | undefined, rendered: string): string[] {
  return changedConfigPaths(parseConfigText(deployed) ?? {}, parseConfigText(rendered) ?? {});
}

/** Same config document (semantically for JSON5, textually when either side does not parse). */
export function sameConfig(deployed: string | undefined, rendered: string): boolean {
  if (deployed === undefined) return false;
  if (deployed === rendered) return true;
  const a = parseConfigText(deployed);
  const b = parseConfigText(rendered);
  if (a === undefined || b === undefined) return false;
  return jsonEqual(a, b);
}

function isUp(phase: ObservedPhase): boolean {
  return phase === 'running' || phase === 'starting';
}

/**
 * Decide what to do. Returns a list (one action today; a list keeps room for compound plans).
 *
 * Order of precedence for a gateway that should run:
 *  1. not up → start (reason from the phase);
 *  2. port moved, or anything start-only changed (runtime, env, resources) → restart;
 *  3. config changed → hot-apply when every changed path reloads hot (or 'none'), else restart;
 *  4. spec in sync but the file on the target differs → restore-drift or report-drift (spec.drift);
 *  5. otherwise none.
 */
export function planGateway(desired: PlanDesired, observed: PlanObserved, opts: PlanOptions = {}): PlanAction[] {
  if (desired.desiredState === 'stopped') {
    return isUp(observed.phase) ? [{ type: 'stop' }] : [{ type: 'none', reason: 'stopped' }];
  }
  if (!isUp(observed.phase)) {
    const reason: StartReason = observed.phase === 'exited' ? 'crashed' : observed.phase === 'missing' ? 'created' : 'not-running';
    return [{ type: 'start', reason }];
  }
  if (observed.port !== undefined && observed.port !== desired.port) {
    return [{ type: 'restart', reason: 'port-changed', paths: [] }];
  }

  const applied = observed.lastApplied;
  // Spec in sync: what we last applied is the desired spec, or (no record) the driver started exactly it.
  const inSync = applied ? applied.specHash === desired.specHash : observed.specHash === desired.specHash;
  if (!inSync) {
    if (!applied) return [{ type: 'restart', reason: 'unknown-applied-state', paths: [] }];
    if (applied.startHash !== desired.startHash) return [{ type: 'restart', reason: 'spec-changed', paths: [] }];
    const paths = configChanges(observed.deployedConfig, desired.config);
    const kinds = opts.reloadKinds ?? {};
    const needsRestart = paths.filter((p) => (kinds[p] ?? 'restart') === 'restart');
    if (needsRestart.length > 0) return [{ type: 'restart', reason: 'config-requires-restart', paths: needsRestart }];
    return [{ type: 'hot-apply', paths }];
  }

  if (!sameConfig(observed.deployedConfig, desired.config)) {
    const paths = configChanges(observed.deployedConfig, desired.config);
    return [{ type: desired.drift === 'restore' ? 'restore-drift' : 'report-drift', paths }];
  }
  return [{ type: 'none', reason: 'converged' }];
}

/**
 * Config paths whose reloadKind must be looked up before planning: only when the spec changed, only
 * start-free changes, and only while the gateway is up (the lookup needs a running gateway).
 */
export function pathsNeedingReloadKind(desired: PlanDesired, observed: PlanObserved): string[] {
  if (desired.desiredState !== 'running' || !isUp(observed.phase)) return [];
  const applied = observed.lastApplied;
  if (!applied || applied.specHash === desired.specHash || applied.startHash !== desired.startHash) return [];
  if (observed.port !== undefined && observed.port !== desired.port) return [];
  return configChanges(observed.deployedConfig, desired.config);
}
