// Level-based reconcile of one gateway (ARCHITECTURE.md §3): load → observe → plan → apply → probe →
// status → events/audit. It never asks "what happened"; it compares desired with observed every time.
import { createHash } from 'node:crypto';
import { type BackoffOptions, backoffDelay } from '../core/backoff.ts';
import { jsonEqual } from '../core/config-diff.ts';
import type { Issue } from '../core/issues.ts';
import type { EffectiveGateway } from '../core/model.ts';
import { type PlanAction, type PlanDesired, type PlanObserved, type ReloadKind, pathsNeedingReloadKind, planGateway } from '../core/plan-gateway.ts';
import type { ConfigApplied, HealthReport, RenderedGateway } from '../core/ports/claw-adapter.ts';
import { type GatewayDeployment, type ObservedGateway, type ObservedPhase, type RuntimeDriver, TARGET_UNAVAILABLE } from '../core/ports/runtime.ts';
import type { Resource } from '../core/resources.ts';
import { kubernetesPlacement } from './kubernetes-placement.ts';
import {
  type GatewayStatus,
  type HealthSummary,
  type LastAction,
  type PassFacts,
  deriveConditions,
  deriveLifecycle,
  readStoredStatus,
  setConditions,
} from '../core/status.ts';
import type { Clock } from './clock.ts';
import { deploymentId, parseGatewayKey } from './gateway-key.ts';

/** Everything the reconciler needs to know about what one gateway should be. */
export interface DesiredGateway {
  resource: Resource<'Gateway'>;
  effective: EffectiveGateway;
  rendered: RenderedGateway;
  /** Resolved environment for the process (secret values included: never logged, never stored). */
  env: Record<string, string>;
  specHash: string;
}

export interface GatewayEvent {
  type: string;
  org: string;
  gateway: string;
  message: string;
  time: string;
  details?: Record<string, unknown>;
}

export interface AuditTarget {
  org: string;
  kind: 'Gateway';
  name: string;
}

export type Endpoint = { host: string; port: number };

export interface ReconcileOptions {
  /** Name of the main config file among the rendered files. Default "openclaw.json". */
  configFile?: string;
  /** Env var holding the gateway's auth token (used for probes and reloadKind lookups). */
  tokenEnv?: string;
  /** Bounded wait for readiness after a start/restart. Default 60 s. */
  readyTimeoutMs?: number;
  readyPollMs?: number;
  /** Requeue delay while a gateway that should run is not ready. Default 5 s. */
  notReadyRequeueMs?: number;
  /** Backoff between restarts of a crashing gateway. Default 5 s → 5 min. */
  crashBackoff?: BackoffOptions;
  /** Consecutive crash restarts after which the gateway is reported as failed. Default 5. */
  crashLoopThreshold?: number;
  /** Running and ready this long → consecutive crash count resets. Default 60 s. */
  stableAfterMs?: number;
  stopGraceMs?: number;
  probeTimeoutMs?: number;
  /** Archive the state dir when a deleted gateway is removed. Default true. */
  archiveOnDelete?: boolean;
}

export interface ReconcileDeps {
  /** Current desired state; undefined when the Gateway resource no longer exists. */
  loadDesired(org: string, name: string): Promise<DesiredGateway | undefined>;
  driver: RuntimeDriver;
  probe(endpoint: Endpoint, token: string, opts?: { deep?: boolean; timeoutMs?: number }): Promise<HealthReport>;
  lookupReloadKind(endpoint: Endpoint, token: string, paths: string[]): Promise<Record<string, ReloadKind>>;
  /**
   * Has the gateway applied its config file? After a hot apply the pass waits for it (bounded by
   * readyTimeoutMs), so a revision is only reported once the gateway really runs it (gates after it
   * test the new config, not the old one). Optional: without it a hot apply is trusted at once.
   */
  configApplied?(endpoint: Endpoint, token: string): Promise<ConfigApplied>;
  writeStatus(org: string, name: string, status: GatewayStatus): Promise<void>;
  emit(event: GatewayEvent): void;
  audit(action: string, target: AuditTarget, details: Record<string, unknown>): Promise<void>;
  clock: Clock;
  /** Random source in [0, 1) for jitter. Default Math.random. */
  random?: () => number;
  options?: ReconcileOptions;
}

export type ReconcileOutcome = LastAction | 'removed' | 'invalid' | 'backing-off';

export interface ReconcileResult {
  outcome: ReconcileOutcome;
  /** Process again after this delay (not ready yet, crash backoff). */
  requeueAfterMs?: number;
  status?: GatewayStatus;
}

const DEFAULTS = {
  configFile: 'openclaw.json',
  tokenEnv: 'OPENCLAW_GATEWAY_TOKEN',
  readyTimeoutMs: 60_000,
  readyPollMs: 250,
  notReadyRequeueMs: 5000,
  crashBackoff: { baseMs: 5000, maxMs: 300_000 } satisfies BackoffOptions,
  crashLoopThreshold: 5,
  stableAfterMs: 60_000,
  stopGraceMs: 20_000,
  probeTimeoutMs: 5000,
  archiveOnDelete: true,
};

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function sha256(material: unknown): string {
  return createHash('sha256').update(stableJson(material)).digest('hex');
}

/** Hash of what only takes effect when the process starts. Env values are hashed, never stored. */
export function computeStartHash(d: DesiredGateway): string {
  const e = d.effective;
  return sha256({ runtime: e.runtime, target: e.target, port: e.port, env: d.env, resources: e.spec.resources ?? null, stateDir: e.stateDir });
}

/**
 * The GatewayDeployment.specHash for a loader to put in DesiredGateway.specHash: files, runtime, target,
 * port, env (names and values), resources and state dir. Deterministic (key order does not matter).
 */
export function computeSpecHash(input: { effective: EffectiveGateway; rendered: Pick<RenderedGateway, 'files'>; env: Record<string, string> }): string {
  const e = input.effective;
  return sha256({ files: input.rendered.files, runtime: e.runtime, target: e.target, port: e.port, env: input.env, resources: e.spec.resources ?? null, stateDir: e.stateDir });
}

const OWNED_STATUS_KEYS: readonly (keyof GatewayStatus)[] = [
  'observedGeneration', 'lifecycle', 'phase', 'conditions', 'lastAction', 'restarts', 'consecutiveCrashes', 'lastCrashAt',
  'lastError', 'health', 'applied', 'driftPaths', 'issues', 'endpoint',
];

/** The part of a stored status this reconciler writes (callers may add display fields beside it). */
function ownedStatus(raw: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of OWNED_STATUS_KEYS) if (raw?.[k] !== undefined) out[k] = raw[k];
  return out;
}

function isUp(phase: ObservedPhase): boolean {
  return phase === 'running' || phase === 'starting';
}

function summarize(h: HealthReport): HealthSummary {
  const s: HealthSummary = { live: h.live, ready: h.ready };
  if (h.version !== undefined) s.version = h.version;
  if (h.failing && h.failing.length > 0) s.failing = [...h.failing];
  if (h.error !== undefined) s.error = h.error;
  return s;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One level-based pass over the gateway `key` ("org/name"). Throws on transient errors (after recording
 * them in status) so the caller requeues with backoff. `signal` cuts the readiness wait short (shutdown).
 */
export async function reconcileGateway(key: string, deps: ReconcileDeps, signal?: AbortSignal): Promise<ReconcileResult> {
  const { org, name } = parseGatewayKey(key);
  const o = { ...DEFAULTS, ...deps.options };
  const { driver, clock } = deps;
  const random = deps.random ?? Math.random;
  const id = deploymentId(org, name);
  const iso = (): string => new Date(clock.now()).toISOString();
  const target: AuditTarget = { org, kind: 'Gateway', name };
  const emit = (type: string, message: string, details?: Record<string, unknown>): void =>
    deps.emit({ type, org, gateway: name, message, time: iso(), ...(details ? { details } : {}) });

  const desired = await deps.loadDesired(org, name);
  if (!desired) {
    const observed = await driver.observe(id);
    if (observed.phase === 'missing') return { outcome: 'unchanged' };
    const { archive } = await driver.remove(id, { archive: o.archiveOnDelete });
    emit('gateway.removed', `gateway ${name} was deleted; runtime removed`, archive ? { archive } : undefined);
    await deps.audit('gateway.remove', target, { reason: 'resource deleted', ...(archive ? { archive } : {}) });
    return { outcome: 'removed' };
  }

  const rawPrev = desired.resource.status;
  const prev = readStoredStatus(rawPrev);
  const generation = desired.resource.metadata.generation;
  const spec = desired.resource.spec;
  const invalid: Issue[] = [...desired.effective.issues, ...desired.rendered.issues].filter((i) => i.severity === 'error');
  const endpoint = driver.endpoint(id, desired.effective.port);
  const token = desired.env[o.tokenEnv] ?? '';

  // Mutable pass state, turned into status at the end (also on error).
  let phase: ObservedPhase = 'missing';
  let observed: ObservedGateway | undefined;
  let health: HealthSummary | undefined;
  let action: LastAction = 'unchanged';
  let applied = prev.applied;
  let restarts = prev.restarts ?? 0;
  let consecutiveCrashes = prev.consecutiveCrashes ?? 0;
  let lastCrashAt = prev.lastCrashAt;
  let driftPaths: string[] | undefined;
  let backingOff = false;
  let readinessTimedOut = false;
  /** Set when a hot apply was written but the gateway did not apply it. */
  let hotApplyError: string | undefined;

  /** Set when the target reports health itself (Kubernetes pod Ready): polled less often. */
  let targetHealth = false;
  async function probeOnce(): Promise<HealthSummary> {
    try {
      // The target's own view first (ADR 0014): the control plane may not reach the gateway.
      const fromTarget = driver.observeHealth ? await driver.observeHealth(id) : undefined;
      if (fromTarget) {
        targetHealth = true;
        return summarize(fromTarget);
      }
      return summarize(await deps.probe(endpoint, token, { timeoutMs: o.probeTimeoutMs }));
    } catch (err) {
      return { live: false, ready: false, error: errorMessage(err) };
    }
  }

  /** The gateway's view of its config file before a hot apply (undefined when it cannot tell). */
  async function configBefore(): Promise<string | undefined> {
    if (!deps.configApplied) return undefined;
    // A target that reports health itself (Kubernetes) usually cannot be reached by the control plane.
    if (driver.observeHealth && (await driver.observeHealth(id).catch(() => undefined))) return undefined;
    return (await deps.configApplied(endpoint, token).catch(() => undefined))?.fileHash;
  }

  /**
   * After a hot apply: poll until the gateway has read the new file (its file hash moved on from
   * `before`) and runs it. Answers undefined when it does (or cannot tell: older runtime, unreachable
   * target), else why not: refused at once, still pending at the deadline (readyTimeoutMs).
   */
  async function awaitConfigApplied(before: string | undefined): Promise<string | undefined> {
    if (!deps.configApplied || before === undefined) return undefined;
    const deadline = clock.now() + o.readyTimeoutMs;
    let last: ConfigApplied = { state: 'unknown' };
    for (;;) {
      last = await deps.configApplied(endpoint, token).catch((e: unknown): ConfigApplied => ({ state: 'unknown', message: `config.get: ${errorMessage(e)}` }));
      const seen = last.fileHash !== undefined && last.fileHash !== before;
      if (seen && last.state === 'applied') return undefined;
      if (seen && last.state === 'invalid') return last.message;
      if (last.state === 'unknown' && !/^(connect|config\.get):/.test(last.message ?? '')) return undefined;
      if (clock.now() >= deadline || signal?.aborted) break;
      await clock.sleep(Math.min(Math.max(o.readyPollMs, 250), Math.max(0, deadline - clock.now())), signal);
    }
    if (last.state === 'unknown') return undefined;
    const why = last.fileHash === before ? 'the gateway has not read its new config file' : (last.message ?? 'the gateway has not applied its new config');
    return `${why} after ${Math.round(o.readyTimeoutMs / 1000)}s`;
  }

  const finish = async (extra: { error?: string; unavailable?: string; outcome?: ReconcileOutcome; requeueAfterMs?: number }): Promise<ReconcileResult> => {
    const facts: PassFacts = {
      desiredState: spec.desiredState,
      invalid,
      phase,
      ...(health ? { health } : {}),
      action,
      readinessTimedOut,
      backingOff,
      crashLoop: consecutiveCrashes >= o.crashLoopThreshold,
      ...(spec.drift === 'report' && driftPaths ? { driftReported: driftPaths } : {}),
      ...(extra.error !== undefined ? { error: extra.error } : {}),
      ...(extra.unavailable !== undefined ? { unavailable: extra.unavailable } : {}),
      ...(prev.lifecycle ? { previousLifecycle: prev.lifecycle } : {}),
    };
    const status: GatewayStatus = {
      observedGeneration: generation,
      lifecycle: deriveLifecycle(facts),
      phase,
      conditions: setConditions(prev.conditions, deriveConditions(facts), iso()),
      lastAction: action,
      restarts,
      consecutiveCrashes,
      ...(lastCrashAt ? { lastCrashAt } : {}),
      ...(extra.error !== undefined ? { lastError: extra.error } : {}),
      ...(extra.unavailable !== undefined ? { lastError: extra.unavailable } : {}),
      ...(health ? { health } : {}),
      ...(applied ? { applied } : {}),
      ...(driftPaths && driftPaths.length > 0 ? { driftPaths } : {}),
      ...(invalid.length > 0 ? { issues: invalid } : {}),
      endpoint,
    };
    if (!jsonEqual(JSON.parse(JSON.stringify(status)), ownedStatus(rawPrev))) await deps.writeStatus(org, name, status);
    return { outcome: extra.outcome ?? action, status, ...(extra.requeueAfterMs !== undefined ? { requeueAfterMs: extra.requeueAfterMs } : {}) };
  };

  try {
    observed = await driver.observe(id);
    phase = observed.phase;

    if (invalid.length > 0) {
      // Terminal: never deploy an invalid spec; leave whatever runs alone. No retry until the spec changes.
      if (isUp(phase)) health = await probeOnce();
      const already = prev.observedGeneration === generation && prev.conditions?.some((c) => c.type === 'Degraded' && c.reason === 'InvalidSpec' && c.status === 'True');
      if (!already) emit('gateway.invalid', `gateway ${name} has an invalid spec; not deployed`, { issues: invalid.map((i) => ({ path: i.path, code: i.code, message: i.message })) });
      return await finish({ outcome: 'invalid' });
    }

    const startHash = computeStartHash(desired);
    const deployment: GatewayDeployment = {
      id,
      org,
      gateway: name,
      runtime: desired.effective.runtime,
      port: desired.effective.port,
      files: desired.rendered.files,
      env: desired.env,
      specHash: desired.specHash,
      ...(desired.effective.spec.resources ? { resources: desired.effective.spec.resources } : {}),
      ...(desired.effective.target.image ? { image: desired.effective.target.image } : {}),
      ...(desired.effective.target.kind === 'kubernetes' ? { kubernetes: kubernetesPlacement(desired.effective) } : {}),
    };
    const planDesired: PlanDesired = {
      desiredState: spec.desiredState,
      drift: spec.drift,
      specHash: desired.specHash,
      startHash,
      port: desired.effective.port,
      config: desired.rendered.files[o.configFile] ?? '',
    };
    const planObserved: PlanObserved = {
      phase,
      ...(observed.specHash !== undefined ? { specHash: observed.specHash } : {}),
      ...(observed.port !== undefined ? { port: observed.port } : {}),
      ...(applied ? { lastApplied: applied } : {}),
    };
    if (isUp(phase) && spec.desiredState === 'running') {
      const deployed = await driver.readConfig(id);
      if (deployed !== undefined) planObserved.deployedConfig = deployed;
    }
    let reloadKinds: Record<string, ReloadKind> = {};
    const lookupPaths = pathsNeedingReloadKind(planDesired, planObserved);
    if (lookupPaths.length > 0) {
      try {
        reloadKinds = await deps.lookupReloadKind(endpoint, token, lookupPaths);
      } catch {
        reloadKinds = {}; // unknown → treated as restart: always safe
      }
    }
    const [step] = planGateway(planDesired, planObserved, { reloadKinds });
    const act: PlanAction = step ?? { type: 'none', reason: 'converged' };

    switch (act.type) {
      case 'none':
        break;
      case 'start': {
        if (act.reason === 'crashed') {
          const last = lastCrashAt ? Date.parse(lastCrashAt) : Number.NaN;
          if (consecutiveCrashes > 0 && Number.isFinite(last)) {
            const wait = backoffDelay(consecutiveCrashes - 1, random(), o.crashBackoff);
            const remaining = last + wait - clock.now();
            if (remaining > 0) {
              backingOff = true;
              return await finish({ outcome: 'backing-off', requeueAfterMs: remaining });
            }
          }
        }
        observed = await driver.start(deployment);
        phase = observed.phase;
        applied = { specHash: desired.specHash, startHash };
        action = 'started';
        if (act.reason === 'crashed') {
          restarts += 1;
          consecutiveCrashes += 1;
          lastCrashAt = iso();
          emit('gateway.restarted', `gateway ${name} crashed and was restarted`, { reason: 'crashed', restarts, consecutiveCrashes });
          await deps.audit('gateway.crash-restart', target, { restarts, consecutiveCrashes });
        } else {
          emit('gateway.started', `gateway ${name} started`, { reason: act.reason });
        }
        break;
      }
      case 'restart':
        observed = await driver.start(deployment);
        phase = observed.phase;
        applied = { specHash: desired.specHash, startHash };
        action = 'restarted';
        emit('gateway.restarted', `gateway ${name} restarted to apply its spec`, { reason: act.reason, paths: act.paths });
        break;
      case 'hot-apply': {
        const before = await configBefore();
        await driver.writeFiles(deployment);
        action = 'hot-applied';
        const refused = await awaitConfigApplied(before);
        if (refused) {
          // Not recorded as applied: the next pass writes it again, and the status says why.
          hotApplyError = refused;
          emit('gateway.hot-apply-failed', `gateway ${name} did not apply its new config: ${refused}`, { paths: act.paths });
          break;
        }
        applied = { specHash: desired.specHash, startHash };
        emit('gateway.hot-applied', `gateway ${name} config updated without restart`, { paths: act.paths });
        break;
      }
      case 'stop':
        await driver.stop(id, { graceMs: o.stopGraceMs });
        phase = (await driver.observe(id)).phase;
        action = 'stopped';
        emit('gateway.stopped', `gateway ${name} stopped`);
        break;
      case 'restore-drift':
        await driver.writeFiles(deployment);
        action = 'drift-restored';
        emit('gateway.drift-restored', `gateway ${name} config drifted and was restored`, { paths: act.paths });
        await deps.audit('gateway.drift-restore', target, { paths: act.paths });
        break;
      case 'report-drift': {
        driftPaths = act.paths;
        const known = prev.driftPaths && jsonEqual(prev.driftPaths, act.paths);
        if (!known) {
          emit('gateway.drift-detected', `gateway ${name} config differs from the desired one`, { paths: act.paths });
          await deps.audit('gateway.drift-detect', target, { paths: act.paths });
        }
        break;
      }
      default: {
        const never: never = act;
        throw new Error(`unknown plan action ${JSON.stringify(never)}`);
      }
    }

    // Health.
    if (spec.desiredState === 'running' && isUp(phase)) {
      if (action === 'started' || action === 'restarted') {
        // Show the (re)start right away; the final status follows once ready or timed out.
        health = { live: false, ready: false };
        await finish({});
        const deadline = clock.now() + o.readyTimeoutMs;
        for (;;) {
          health = await probeOnce();
          if (health.ready) break;
          if (clock.now() >= deadline || signal?.aborted) {
            readinessTimedOut = true;
            break;
          }
          if (!health.live) {
            const now = await driver.observe(id);
            phase = now.phase;
            if (!isUp(phase)) break; // died during start: the next pass restarts it
          }
          const pollMs = targetHealth ? Math.max(o.readyPollMs, 1000) : o.readyPollMs;
          await clock.sleep(Math.min(pollMs, Math.max(0, deadline - clock.now())), signal);
        }
      } else {
        health = await probeOnce();
        if (hotApplyError) health = { ...health, ready: false, error: hotApplyError };
      }
      const startedAt = observed.startedAt ? Date.parse(observed.startedAt) : Number.NaN;
      const stable = !Number.isFinite(startedAt) || clock.now() - startedAt >= o.stableAfterMs;
      if (health.ready && action !== 'started' && action !== 'restarted' && stable) consecutiveCrashes = 0;
      if (health.ready && consecutiveCrashes === 0) lastCrashAt = undefined;
    }

    const wantsUp = spec.desiredState === 'running';
    const notReady = wantsUp && !(isUp(phase) && health?.ready);
    return await finish(notReady ? { requeueAfterMs: o.notReadyRequeueMs } : {});
  } catch (err) {
    const message = errorMessage(err);
    if ((err as { code?: unknown }).code === TARGET_UNAVAILABLE) {
      // Terminal like an invalid spec: report it, do not retry, never deploy on another target.
      const already = prev.observedGeneration === generation && prev.conditions?.some((c) => c.type === 'Degraded' && c.reason === 'TargetUnavailable' && c.status === 'True');
      if (!already) emit('gateway.target-unavailable', `gateway ${name} is not deployed: ${message}`);
      return await finish({ unavailable: message, outcome: 'invalid' });
    }
    try {
      await finish({ error: message });
    } catch {
      // status is best effort here; the retry will write it
    }
    emit('gateway.reconcile-failed', `reconcile of gateway ${name} failed: ${message}`);
    throw err;
  }
}
