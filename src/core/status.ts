// Gateway status: lifecycle state and conditions derived from one reconcile pass. Pure.
import { z } from 'zod';
import type { Issue } from './issues.ts';
import type { ObservedPhase } from './ports/runtime.ts';
import type { Condition } from './resources.ts';

export type Lifecycle = 'creating' | 'running' | 'degraded' | 'stopped' | 'failed' | 'destroyed';
export type LastAction = 'unchanged' | 'started' | 'restarted' | 'hot-applied' | 'stopped' | 'drift-restored';
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

export interface HealthSummary {
  live: boolean;
  ready: boolean;
  version?: string;
  failing?: string[];
  error?: string;
}

export interface GatewayStatus {
  observedGeneration: number;
  lifecycle: Lifecycle;
  phase: ObservedPhase;
  conditions: Condition[];
  lastAction: LastAction;
  /** Restarts done by the reconciler after crashes (lifetime). */
  restarts: number;
  /** Crashes since the gateway was last stable; drives crash backoff. */
  consecutiveCrashes: number;
  lastCrashAt?: string;
  lastError?: string;
  health?: HealthSummary;
  /** What the reconciler last applied to the target (hashes only, never content). */
  applied?: { specHash: string; startHash: string };
  driftPaths?: string[];
  issues?: Issue[];
  endpoint?: { host: string; port: number };
}

const conditionSchema = z.object({
  type: z.enum(['Ready', 'Progressing', 'Degraded']),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string(),
});

const storedStatusSchema = z.object({
  observedGeneration: z.number().int().optional().catch(undefined),
  lifecycle: z.enum(['creating', 'running', 'degraded', 'stopped', 'failed', 'destroyed']).optional().catch(undefined),
  conditions: z.array(conditionSchema).optional().catch(undefined),
  lastAction: z.enum(['unchanged', 'started', 'restarted', 'hot-applied', 'stopped', 'drift-restored']).optional().catch(undefined),
  restarts: z.number().int().nonnegative().optional().catch(undefined),
  consecutiveCrashes: z.number().int().nonnegative().optional().catch(undefined),
  lastCrashAt: z.string().optional().catch(undefined),
  applied: z.object({ specHash: z.string(), startHash: z.string() }).optional().catch(undefined),
  driftPaths: z.array(z.string()).optional().catch(undefined),
});
export type StoredGatewayStatus = z.infer<typeof storedStatusSchema>;

/** Read the fields the reconciler relies on from a stored status; garbage is ignored, never thrown. */
export function readStoredStatus(raw: unknown): StoredGatewayStatus {
  const r = storedStatusSchema.safeParse(raw ?? {});
  return r.success ? r.data : {};
}

/**
 * Merge new conditions into the previous ones: lastTransitionTime is kept when a condition's status did
 * not change (reason/message may still be updated), and set to `now` when it did or it is new.
 * Output order is Ready, Progressing, Degraded, then any others given.
 */
export function setConditions(prev: readonly Condition[] | undefined, next: readonly ConditionInput[], now: string): Condition[] {
  const order = ['Ready', 'Progressing', 'Degraded'];
  return next
    .map((c) => {
      const old = prev?.find((p) => p.type === c.type);
      return { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
    })
    .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

/** Facts gathered by one reconcile pass, input to lifecycle and conditions. */
export interface PassFacts {
  desiredState: 'running' | 'stopped';
  /** Error issues that make the spec undeployable (terminal). */
  invalid: Issue[];
  phase: ObservedPhase;
  health?: HealthSummary;
  action: LastAction;
  /** True when readiness was awaited after a start/restart and did not come in time. */
  readinessTimedOut: boolean;
  /** Desired running, gateway down, and the restart is held back by crash backoff. */
  backingOff: boolean;
  crashLoop: boolean;
  /** Drift found and only reported (spec.drift: report). */
  driftReported?: string[];
  /** Transient error of this pass (it will be retried). */
  error?: string;
  /** The gateway's target has no driver on this control plane (terminal until the spec or the control plane changes). */
  unavailable?: string;
  previousLifecycle?: Lifecycle;
}

function isUp(phase: ObservedPhase): boolean {
  return phase === 'running' || phase === 'starting';
}

export function deriveLifecycle(f: PassFacts): Lifecycle {
  const up = isUp(f.phase);
  const firstRun = f.previousLifecycle === undefined || f.previousLifecycle === 'creating';
  if (f.invalid.length > 0) return up ? 'degraded' : 'failed';
  if (f.unavailable !== undefined) return f.desiredState === 'stopped' ? 'stopped' : 'failed';
  if (f.desiredState === 'stopped') return up ? 'degraded' : 'stopped';
  if (f.crashLoop) return 'failed';
  if (f.error !== undefined) return firstRun ? 'creating' : 'degraded';
  if (up && f.health?.ready) return f.driftReported && f.driftReported.length > 0 ? 'degraded' : 'running';
  if (up) {
    const starting = f.action === 'started' || f.action === 'restarted' || f.phase === 'starting';
    if (starting && !f.readinessTimedOut && f.previousLifecycle !== 'running') return 'creating';
    return firstRun && !f.readinessTimedOut ? 'creating' : 'degraded';
  }
  return firstRun && !f.backingOff ? 'creating' : 'degraded';
}

function describeIssues(issues: readonly Issue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`);
  return shown.join('; ') + (issues.length > 3 ? ` (+${issues.length - 3} more)` : '');
}

export function deriveConditions(f: PassFacts): ConditionInput[] {
  const up = isUp(f.phase);
  const ready = up && f.health?.ready === true;
  const invalid = f.invalid.length > 0;

  let readyC: ConditionInput;
  if (ready) readyC = { type: 'Ready', status: 'True', reason: 'GatewayReady', message: `gateway is ready${f.health?.version ? ` (version ${f.health.version})` : ''}` };
  else if (f.desiredState === 'stopped' && !up) readyC = { type: 'Ready', status: 'False', reason: 'Stopped', message: 'gateway is stopped as desired' };
  else if (up) readyC = { type: 'Ready', status: 'False', reason: 'NotReady', message: f.health?.failing?.length ? `failing: ${f.health.failing.join(', ')}` : (f.health?.error ?? 'gateway is not ready yet') };
  else readyC = { type: 'Ready', status: 'False', reason: invalid ? 'InvalidSpec' : 'NotRunning', message: `gateway is ${f.phase}` };

  let progressing: ConditionInput;
  if (invalid) progressing = { type: 'Progressing', status: 'False', reason: 'InvalidSpec', message: 'not deploying an invalid spec; fix it to continue' };
  else if (f.unavailable !== undefined) progressing = { type: 'Progressing', status: 'False', reason: 'TargetUnavailable', message: 'not deploying: the target is not available on this control plane' };
  else if (f.desiredState === 'stopped') progressing = up ? { type: 'Progressing', status: 'True', reason: 'Stopping', message: 'stopping gateway' } : { type: 'Progressing', status: 'False', reason: 'Stopped', message: 'gateway is stopped' };
  else if (f.error !== undefined) progressing = { type: 'Progressing', status: 'True', reason: 'Retrying', message: 'reconcile failed; retrying with backoff' };
  else if (f.backingOff) progressing = { type: 'Progressing', status: 'True', reason: 'BackingOff', message: 'gateway crashed; restart is delayed by backoff' };
  else if (ready) progressing = { type: 'Progressing', status: 'False', reason: 'Converged', message: 'gateway runs the desired spec' };
  else if (f.action === 'started' || f.action === 'restarted') progressing = { type: 'Progressing', status: 'True', reason: f.action === 'started' ? 'Starting' : 'Restarting', message: 'waiting for the gateway to become ready' };
  else progressing = { type: 'Progressing', status: 'True', reason: 'WaitingForReady', message: 'waiting for the gateway to become ready' };

  let degraded: ConditionInput;
  if (invalid) degraded = { type: 'Degraded', status: 'True', reason: 'InvalidSpec', message: describeIssues(f.invalid) };
  else if (f.unavailable !== undefined) degraded = { type: 'Degraded', status: 'True', reason: 'TargetUnavailable', message: f.unavailable };
  else if (f.crashLoop) degraded = { type: 'Degraded', status: 'True', reason: 'CrashLoop', message: 'gateway keeps crashing after restarts' };
  else if (f.error !== undefined) degraded = { type: 'Degraded', status: 'True', reason: 'ReconcileError', message: f.error };
  else if (f.desiredState === 'running' && (f.phase === 'exited' || f.backingOff)) degraded = { type: 'Degraded', status: 'True', reason: 'Crashed', message: 'gateway exited unexpectedly' };
  else if (f.driftReported && f.driftReported.length > 0) degraded = { type: 'Degraded', status: 'True', reason: 'ConfigDrift', message: `deployed config differs from the desired one at: ${f.driftReported.slice(0, 5).join(', ')}${f.driftReported.length > 5 ? ' …' : ''}` };
  else if (up && f.desiredState === 'running' && !ready && (f.readinessTimedOut || f.action === 'unchanged' && f.previousLifecycle === 'running')) degraded = { type: 'Degraded', status: 'True', reason: f.readinessTimedOut ? 'ReadinessTimeout' : 'Unhealthy', message: readyC.message };
  else degraded = { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' };

  return [readyC, progressing, degraded];
}
