// Rollout math (ADR 0010), pure: waves, risk, and every state transition of a Rollout's status.
// The controller (src/reconciler/rollout-controller.ts) feeds observations in and performs the
// actions that come out; the status is persisted after every transition, so a restarted control
// plane continues from it. No clock here: `now` (ms) is an input.
import { createHash } from 'node:crypto';
import type { SpecOf } from './resources.ts';

export type RolloutSpec = SpecOf<'Rollout'>;
export type RolloutPhase = 'AwaitingApproval' | 'Progressing' | 'Paused' | 'RollingBack' | 'Succeeded' | 'Failed' | 'Aborted';
export type GatewayRolloutState = 'pending' | 'updating' | 'succeeded' | 'failed' | 'rolling-back' | 'rolled-back' | 'reverting' | 'reverted' | 'held';

export const ACTIVE_PHASES: readonly RolloutPhase[] = ['AwaitingApproval', 'Progressing', 'Paused', 'RollingBack'];

export interface GateResult {
  gate: string;
  ok: boolean;
  message: string;
}

export interface GatewayRolloutEntry {
  name: string;
  wave: number;
  /** The revision the gateway ran when the rollout started (its known-good fallback). */
  from: number;
  fromVersion: string;
  toVersion: string;
  state: GatewayRolloutState;
  /** While set, the gateway is served this revision instead of its spec (the hold). */
  hold?: number;
  releasedAt?: string;
  restartsAtRelease?: number;
  /** The revision observed after the update. */
  revision?: number;
  /** Where the pre-upgrade state backup is (runtime version changes only). */
  backup?: string;
  /** Downgrades with restoreBackup: the older state to put back when the gateway is released. */
  restoreFrom?: string;
  restored?: boolean;
  gates?: GateResult[];
  message?: string;
}

export interface RolloutChange {
  kind: 'apply' | 'runtimeVersion';
  /** Changed documents ("Kind/name") of an apply, or the runtime version of a bump. */
  documents?: string[];
  runtimeVersion?: string;
  summary: string;
}

export interface RolloutStatus {
  phase: RolloutPhase;
  message: string;
  /** Why the rollout failed or was aborted. */
  reason?: string;
  highRisk: boolean;
  riskReasons: string[];
  approvedBy?: string;
  approvedAt?: string;
  change: RolloutChange;
  waves: number;
  currentWave: number;
  gateways: GatewayRolloutEntry[];
  startedAt: string;
  startedBy: string;
  updatedAt: string;
  finishedAt?: string;
  /** Set when a user asked to abort; the next step rolls back like a failure, ending Aborted. */
  abortRequestedBy?: string;
  /** Phase before a pause (so resume knows where to go back). */
  pausedFrom?: RolloutPhase;
  /** Timers (gate timeouts) count from here when later than releasedAt: resume, restart of the control plane. */
  clockResetAt?: string;
  rollbackStartedAt?: string;
  onFailure: 'keep' | 'revert';
}

export interface GatewayObservation {
  /** status.revision of the gateway. */
  revision?: number;
  ready: boolean;
  restarts: number;
  lifecycle?: string;
  message?: string;
  /** The gateway resource is gone. */
  missing?: boolean;
}

export type RolloutAction =
  | { type: 'backup'; gateway: string; version: string }
  | { type: 'gates'; gateway: string }
  | { type: 'enqueue'; gateway: string }
  | { type: 'pin'; gateway: string; revision: number }
  /** Put the pre-upgrade state back (a newer runtime may have migrated it beyond what the old one reads). */
  | { type: 'restore'; gateway: string; backup: string }
  | { type: 'breaker-failure'; version: string };

export interface StepResult {
  status: RolloutStatus;
  actions: RolloutAction[];
  /** Events worth showing (rollout.wave-started, rollout.gateway-failed, …). */
  events: { reason: string; message: string }[];
}

/** Order-independent hash of rendered files (to compare a revision with a planned render). */
export function filesFingerprint(files: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)))).digest('hex');
}

export function isActive(phase: RolloutPhase): boolean {
  return ACTIVE_PHASES.includes(phase);
}

/** Split gateways (in the given order) into waves per the strategy. */
export function planWaves(names: readonly string[], spec: Pick<RolloutSpec, 'strategy' | 'maxUnavailable' | 'canary' | 'waveSize'>): string[][] {
  const chunk = (list: readonly string[], size: number): string[][] => {
    const out: string[][] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  };
  if (names.length === 0) return [];
  switch (spec.strategy) {
    case 'all':
      return [[...names]];
    case 'rolling':
      return chunk(names, spec.maxUnavailable);
    case 'canary': {
      const c = spec.canary ?? {};
      const first = c.percent !== undefined ? Math.max(1, Math.ceil((names.length * c.percent) / 100)) : (c.count ?? 1);
      const n = Math.min(first, names.length);
      return [names.slice(0, n), ...chunk(names.slice(n), spec.waveSize)];
    }
    default: {
      const never: never = spec.strategy;
      throw new Error(`unknown strategy ${String(never)}`);
    }
  }
}

/**
 * Why a change is high-risk (needs an approval before the first wave): a runtime version change, or
 * a Policy change (it can widen or cut what agents may do fleet-wide). Empty = not high-risk.
 */
export function assessRisk(change: RolloutChange, gateways: readonly Pick<GatewayRolloutEntry, 'fromVersion' | 'toVersion' | 'name'>[]): string[] {
  const reasons: string[] = [];
  const bumped = gateways.filter((g) => g.fromVersion !== g.toVersion);
  if (bumped.length > 0) {
    const pairs = [...new Set(bumped.map((g) => `${g.fromVersion} → ${g.toVersion}`))];
    reasons.push(`runtime version change (${pairs.join(', ')})`);
  }
  const policies = (change.documents ?? []).filter((d) => d.startsWith('Policy/'));
  if (policies.length > 0) reasons.push(`policy change (${policies.join(', ')})`);
  return reasons;
}

export interface NewRolloutInput {
  spec: RolloutSpec;
  change: RolloutChange;
  gateways: { name: string; from: number; fromVersion: string; toVersion: string; restoreFrom?: string }[];
  actor: string;
  now: number;
}

export function newRolloutStatus(input: NewRolloutInput): RolloutStatus {
  const waves = planWaves(input.gateways.map((g) => g.name), input.spec);
  const entries: GatewayRolloutEntry[] = [];
  waves.forEach((wave, i) => {
    for (const name of wave) {
      const g = input.gateways.find((x) => x.name === name)!;
      entries.push({ name, wave: i, from: g.from, fromVersion: g.fromVersion, toVersion: g.toVersion, state: 'pending', hold: g.from, ...(g.restoreFrom ? { restoreFrom: g.restoreFrom } : {}) });
    }
  });
  const riskReasons = assessRisk(input.change, entries);
  const at = iso(input.now);
  const highRisk = riskReasons.length > 0;
  return {
    phase: highRisk ? 'AwaitingApproval' : 'Progressing',
    message: highRisk ? `waiting for approval: ${riskReasons.join('; ')}` : `wave 1 of ${waves.length}`,
    highRisk,
    riskReasons,
    change: input.change,
    waves: waves.length,
    currentWave: 0,
    gateways: entries,
    startedAt: at,
    startedBy: input.actor,
    updatedAt: at,
    onFailure: input.spec.onFailure,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function clone(s: RolloutStatus): RolloutStatus {
  return { ...s, gateways: s.gateways.map((g) => ({ ...g, ...(g.gates ? { gates: g.gates.map((x) => ({ ...x })) } : {}) })), riskReasons: [...s.riskReasons] };
}

export type ControlVerb = 'approve' | 'pause' | 'resume' | 'abort';

/** A user's control verb: the new status, or an error message naming why it does not apply. */
export function applyControl(status: RolloutStatus, verb: ControlVerb, actor: string, now: number): { status: RolloutStatus } | { error: string } {
  const s = clone(status);
  const at = iso(now);
  s.updatedAt = at;
  if (!isActive(s.phase)) return { error: `the rollout is ${s.phase}; nothing to ${verb}` };
  switch (verb) {
    case 'approve':
      if (s.phase !== 'AwaitingApproval') return { error: `the rollout is ${s.phase}, not waiting for an approval` };
      s.phase = 'Progressing';
      s.approvedBy = actor;
      s.approvedAt = at;
      s.clockResetAt = at;
      s.message = `approved by ${actor}; wave ${s.currentWave + 1} of ${s.waves}`;
      return { status: s };
    case 'pause':
      if (s.phase === 'Paused') return { error: 'the rollout is already paused' };
      if (s.phase === 'RollingBack') return { error: 'the rollout is rolling back; it cannot be paused' };
      s.pausedFrom = s.phase;
      s.phase = 'Paused';
      s.message = `paused by ${actor}`;
      return { status: s };
    case 'resume':
      if (s.phase !== 'Paused') return { error: `the rollout is ${s.phase}, not paused` };
      s.phase = s.pausedFrom ?? 'Progressing';
      delete s.pausedFrom;
      s.clockResetAt = at;
      s.message = `resumed by ${actor}`;
      return { status: s };
    case 'abort':
      if (s.abortRequestedBy) return { error: 'the rollout is already being aborted' };
      s.abortRequestedBy = actor;
      if (s.phase === 'Paused' || s.phase === 'AwaitingApproval') s.phase = 'Progressing';
      delete s.pausedFrom;
      s.message = `abort requested by ${actor}`;
      return { status: s };
    default: {
      const never: never = verb;
      throw new Error(`unknown verb ${String(never)}`);
    }
  }
}

/** Timers count from the latest of: the given time, the last resume/approval, the controller's start. */
function since(s: RolloutStatus, at: string | undefined, controllerStartedAt: number): number {
  const t = [at, s.clockResetAt].filter((x): x is string => x !== undefined).map((x) => Date.parse(x));
  return Math.max(controllerStartedAt, ...t);
}

function startRollback(s: RolloutStatus, reason: string, now: number, out: StepResult): void {
  s.phase = 'RollingBack';
  s.reason = reason;
  s.rollbackStartedAt = iso(now);
  s.message = `rolling back: ${reason}`;
  for (const g of s.gateways) {
    const back = g.state === 'updating' || g.state === 'failed' ? 'rolling-back' : g.state === 'succeeded' && s.onFailure === 'revert' ? 'reverting' : undefined;
    if (back) {
      g.state = back;
      g.hold = g.from;
      out.actions.push({ type: 'enqueue', gateway: g.name });
      if (g.releasedAt !== undefined && g.backup !== undefined && g.fromVersion !== g.toVersion) out.actions.push({ type: 'restore', gateway: g.name, backup: g.backup });
    } else if (g.state === 'pending') {
      g.state = 'held';
      g.message = `not updated: stays on revision ${g.from}`;
    }
  }
  out.events.push({ reason: 'rollout.rolling-back', message: s.message });
}

function finish(s: RolloutStatus, now: number, out: StepResult): void {
  const aborted = s.abortRequestedBy !== undefined;
  s.phase = aborted ? 'Aborted' : 'Failed';
  s.finishedAt = iso(now);
  // Holds become pins (ADR 0007's rollback = pin): the gateways stay on their known-good revision
  // after the rollout, until `clawplane rollback gateway/NAME --clear` or the next apply of the Gateway.
  for (const g of s.gateways) {
    if (g.hold !== undefined) {
      out.actions.push({ type: 'pin', gateway: g.name, revision: g.hold });
      delete g.hold;
    }
  }
  s.message = `${aborted ? `aborted by ${s.abortRequestedBy}` : 'failed'}: ${s.reason ?? 'unknown reason'}`;
  out.events.push({ reason: aborted ? 'rollout.aborted' : 'rollout.failed', message: s.message });
}

/**
 * One level-based step: compare the rollout's status with what the gateways report and decide what
 * to do next. `controllerStartedAt` (ms) restarts gate timers after a control-plane restart.
 */
export function stepRollout(
  status: RolloutStatus,
  observed: Readonly<Record<string, GatewayObservation>>,
  spec: Pick<RolloutSpec, 'gates'>,
  now: number,
  controllerStartedAt = 0,
): StepResult {
  const s = clone(status);
  const out: StepResult = { status: s, actions: [], events: [] };
  const timeoutMs = spec.gates.timeoutSeconds * 1000;
  if (s.phase === 'AwaitingApproval' || s.phase === 'Paused' || !isActive(s.phase)) return out;
  s.updatedAt = iso(now);

  if (s.phase === 'Progressing') {
    // Verify the gateways being updated.
    for (const g of s.gateways) {
      if (g.state !== 'updating') continue;
      const o = observed[g.name];
      if (!o || o.missing) {
        g.state = 'failed';
        g.message = 'the gateway was deleted during the rollout';
        continue;
      }
      if (o.revision !== undefined && o.revision !== g.from) g.revision = o.revision;
      const restarts = o.restarts - (g.restartsAtRelease ?? o.restarts);
      if (restarts >= spec.gates.maxRestarts) {
        g.state = 'failed';
        g.message = `crash loop: restarted ${restarts} time(s) since the update${o.message ? ` (${o.message})` : ''}`;
        out.events.push({ reason: 'rollout.gateway-failed', message: `gateway ${g.name}: ${g.message}` });
        continue;
      }
      if (o.revision !== undefined && o.revision !== g.from && o.ready) {
        out.actions.push({ type: 'gates', gateway: g.name });
        continue;
      }
      if (now - since(s, g.releasedAt, controllerStartedAt) > timeoutMs) {
        g.state = 'failed';
        g.message = `not ready on the new revision within ${spec.gates.timeoutSeconds}s (lifecycle ${o.lifecycle ?? 'unknown'}${o.message ? `: ${o.message}` : ''})`;
        out.events.push({ reason: 'rollout.gateway-failed', message: `gateway ${g.name}: ${g.message}` });
      }
    }
    const failed = s.gateways.filter((g) => g.state === 'failed');
    if (failed.length > 0 || s.abortRequestedBy) {
      const reason = failed.length > 0
        ? failed.map((g) => `gateway ${g.name}: ${g.message ?? 'failed'}`).join('; ')
        : `aborted by ${s.abortRequestedBy}`;
      for (const f of failed) if (f.toVersion !== f.fromVersion) out.actions.push({ type: 'breaker-failure', version: f.toVersion });
      startRollback(s, reason, now, out);
      if (!s.gateways.some((g) => g.state === 'rolling-back' || g.state === 'reverting')) finish(s, now, out);
      return out;
    }
    // Advance waves.
    for (;;) {
      const wave = s.gateways.filter((g) => g.wave === s.currentWave);
      if (wave.length > 0 && wave.every((g) => g.state === 'succeeded')) {
        s.currentWave += 1;
        out.events.push({ reason: 'rollout.wave-succeeded', message: `wave ${s.currentWave} of ${s.waves} succeeded` });
        continue;
      }
      break;
    }
    if (s.currentWave >= s.waves) {
      s.phase = 'Succeeded';
      s.finishedAt = iso(now);
      s.message = `all ${s.gateways.length} gateway(s) updated and healthy`;
      out.events.push({ reason: 'rollout.succeeded', message: s.message });
      return out;
    }
    // Release the pending gateways of the current wave (after a backup when the version changes).
    for (const g of s.gateways) {
      if (g.wave !== s.currentWave || g.state !== 'pending') continue;
      if (g.toVersion !== g.fromVersion && g.backup === undefined) {
        out.actions.push({ type: 'backup', gateway: g.name, version: g.fromVersion });
        continue;
      }
      g.state = 'updating';
      delete g.hold;
      g.releasedAt = iso(now);
      g.restartsAtRelease = observed[g.name]?.restarts ?? 0;
      g.message = 'updating';
      out.actions.push({ type: 'enqueue', gateway: g.name });
      if (g.restoreFrom !== undefined && !g.restored) out.actions.push({ type: 'restore', gateway: g.name, backup: g.restoreFrom });
      out.events.push({ reason: 'rollout.gateway-released', message: `gateway ${g.name} released (wave ${g.wave + 1} of ${s.waves})` });
    }
    s.message = `wave ${s.currentWave + 1} of ${s.waves}`;
    return out;
  }

  // RollingBack: wait until the gateways run their known-good revision again (bounded), then finish.
  for (const g of s.gateways) {
    if (g.state !== 'rolling-back' && g.state !== 'reverting') continue;
    const o = observed[g.name];
    if (!o || o.missing || (o.revision === g.from && o.ready)) {
      g.state = g.state === 'rolling-back' ? 'rolled-back' : 'reverted';
      g.message = `${g.message && g.state === 'rolled-back' ? `${g.message}; ` : ''}back on revision ${g.from}`;
      out.events.push({ reason: 'rollout.gateway-rolled-back', message: `gateway ${g.name} is back on revision ${g.from}` });
    }
  }
  const pending = s.gateways.filter((g) => g.state === 'rolling-back' || g.state === 'reverting');
  const rollbackTimedOut = now - since(s, s.rollbackStartedAt, controllerStartedAt) > timeoutMs;
  if (pending.length === 0 || rollbackTimedOut) {
    for (const g of pending) g.message = `${g.message ? `${g.message}; ` : ''}not ready on revision ${g.from} within ${spec.gates.timeoutSeconds}s (stays pinned to it)`;
    finish(s, now, out);
  }
  return out;
}

/** The pre-upgrade backup of a pending gateway was made (or failed: the gateway fails, untouched). */
export function recordBackup(status: RolloutStatus, gateway: string, result: { path: string } | { error: string }, now: number): RolloutStatus {
  const s = clone(status);
  s.updatedAt = iso(now);
  const g = s.gateways.find((x) => x.name === gateway);
  if (!g || g.state !== 'pending') return s;
  if ('path' in result) g.backup = result.path;
  else {
    g.state = 'failed';
    g.message = `pre-upgrade state backup failed: ${result.error}`;
  }
  return s;
}

/** The state of a gateway rolled back across a runtime version change was restored (or not). */
export function recordRestore(status: RolloutStatus, gateway: string, result: { ok: true } | { error: string }, now: number): RolloutStatus {
  const s = clone(status);
  s.updatedAt = iso(now);
  const g = s.gateways.find((x) => x.name === gateway);
  if (!g) return s;
  if (g.state === 'updating' && g.restoreFrom !== undefined && !g.restored) {
    // The restore of a downgrade, on release.
    if ('error' in result) {
      g.state = 'failed';
      g.message = `restoring the state for ${g.toVersion} from ${g.restoreFrom} failed: ${result.error}`;
    } else {
      g.restored = true;
      g.message = `updating on the state restored from ${g.restoreFrom}`;
    }
    return s;
  }
  const note = 'error' in result ? `restoring the pre-upgrade state failed: ${result.error}` : `pre-upgrade state restored from ${g.backup ?? 'the backup'}`;
  g.message = `${g.message ? `${g.message}; ` : ''}${note}`;
  return s;
}

/** Gate results of an updating gateway: all passed → succeeded, else failed with the failing gates. */
export function recordGates(status: RolloutStatus, gateway: string, results: GateResult[], now: number): RolloutStatus {
  const s = clone(status);
  s.updatedAt = iso(now);
  const g = s.gateways.find((x) => x.name === gateway);
  if (!g || g.state !== 'updating') return s;
  g.gates = results;
  const bad = results.filter((r) => !r.ok);
  if (bad.length === 0) {
    g.state = 'succeeded';
    g.message = `healthy on revision ${g.revision ?? '?'} (${results.map((r) => r.gate).join(', ')})`;
  } else {
    g.state = 'failed';
    g.message = `gate failed: ${bad.map((r) => `${r.gate}: ${r.message}`).join('; ')}`;
  }
  return s;
}

/** The revision an active rollout holds a gateway on, if any. */
export function heldRevision(rollouts: readonly { status?: Record<string, unknown> }[], gateway: string): { rollout: RolloutStatus; revision: number } | undefined {
  for (const r of rollouts) {
    const st = r.status as RolloutStatus | undefined;
    if (!st || !Array.isArray(st.gateways) || !isActive(st.phase)) continue;
    const e = st.gateways.find((g) => g.name === gateway);
    if (e?.hold !== undefined) return { rollout: st, revision: e.hold };
  }
  return undefined;
}

/** Gateways of active rollouts (to refuse overlapping rollouts). */
export function gatewaysInActiveRollouts(rollouts: readonly { metadata: { name: string }; status?: Record<string, unknown> }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rollouts) {
    const st = r.status as RolloutStatus | undefined;
    if (!st || !Array.isArray(st.gateways) || !isActive(st.phase)) continue;
    for (const g of st.gateways) out.set(g.name, r.metadata.name);
  }
  return out;
}
