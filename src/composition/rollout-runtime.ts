// Wires the rollout controller (ADR 0010): gates through the OpenClaw probe and the RuntimeDriver's
// exec (doctor and backups run with the gateway's own runtime, HOME and state dir), the live agent
// turn (ADR 0015) through AgentTurnOps, events on the
// SSE bus, gateway enqueues into the gateway controller.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { probeOpenClaw } from '../adapters/openclaw/probe.ts';
import { DOCTOR_ARGS, backupArgs, doctorGate, parseBackup, parseDoctor, probeGates } from '../adapters/openclaw/rollout-checks.ts';
import type { AgentTurnOps, AppDeps, GatewayFingerprint, RolloutOps } from '../app/app-deps.ts';
import { DEFAULT_BREAKER_THRESHOLD } from '../app/rollout-commands.ts';
import { judgeAgentTurn } from '../core/agent-turn.ts';
import type { FleetDocument } from '../core/fleet-file.ts';
import type { RuntimeDriver } from '../core/ports/runtime.ts';
import { type GateResult, filesFingerprint } from '../core/rollout.ts';
import { createSystemClock } from '../reconciler/clock.ts';
import { GATEWAY_TOKEN_ENV } from '../reconciler/desired-state.ts';
import { deploymentId } from '../reconciler/gateway-key.ts';
import type { DesiredGateway } from '../reconciler/reconcile-gateway.ts';
import { type RolloutController, createRolloutController } from '../reconciler/rollout-controller.ts';
import type { Planning } from './planning.ts';

const DOCTOR_TIMEOUT_MS = 90_000;
const BACKUP_TIMEOUT_MS = 120_000;

export function breakerThresholdFrom(env: NodeJS.ProcessEnv): number {
  const n = Number(env.CLAWPLANE_ROLLOUT_BREAKER_THRESHOLD ?? DEFAULT_BREAKER_THRESHOLD);
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_BREAKER_THRESHOLD;
}

/** Per gateway of a set of documents: a hash of what would be deployed and its runtime version. */
export function fingerprintWith(planning: Planning): (org: string, docs: FleetDocument[]) => Record<string, GatewayFingerprint> {
  return (org, docs) => {
    const out: Record<string, GatewayFingerprint> = {};
    for (const g of planning.plan(docs).gateways) {
      if (g.org !== org) continue;
      const e = g.effective;
      const material = JSON.stringify({ files: Object.entries(g.rendered?.files ?? {}).sort(([a], [b]) => a.localeCompare(b)), runtime: e.runtime, target: e.target, port: e.port, resources: e.spec.resources ?? null });
      out[g.gateway] = { hash: createHash('sha256').update(material).digest('hex'), filesHash: filesFingerprint(g.rendered?.files ?? {}), runtimeVersion: e.runtime.version, agents: e.agents.map((a) => a.agentId) };
    }
    return out;
  };
}

/** Container targets: the gateway's image template, so exec runs the image the gateway runs. */
function imageOf(d: DesiredGateway): { image?: string } {
  return d.effective.target.image ? { image: d.effective.target.image } : {};
}

export function createRolloutRuntime(opts: {
  deps: AppDeps;
  driver: RuntimeDriver;
  /** The live agent-turn gate (the same ops as `clawplane agents test`). */
  agentTurns: AgentTurnOps;
  loadDesired(org: string, name: string): Promise<DesiredGateway | undefined>;
  enqueue(org: string, gateway: string): void;
  env: NodeJS.ProcessEnv;
  log: Logger;
}): { controller: RolloutController; ops: RolloutOps } {
  const { deps, driver, log } = opts;
  const breakerThreshold = breakerThresholdFrom(opts.env);
  const desiredOf = async (org: string, gateway: string): Promise<DesiredGateway> => {
    const d = await opts.loadDesired(org, gateway);
    if (!d) throw new Error(`gateway ${gateway} no longer exists`);
    return d;
  };
  const controller = createRolloutController({
    store: deps.store,
    clock: createSystemClock(),
    breakerThreshold,
    enqueue: opts.enqueue,
    emit: (e) => {
      log.info({ event: e.reason, org: e.org, rollout: e.rollout }, e.message);
      deps.events.publish({ type: 'EVENT', org: e.org, kind: 'Rollout', name: e.rollout, reason: e.reason, message: e.message, time: e.time });
    },
    onError: (where, err) => log.warn({ where, err: err instanceof Error ? err.message : String(err) }, 'rollout controller error'),
    gates: {
      check: async (org, gateway, gates, expectVersion): Promise<GateResult[]> => {
        const d = await desiredOf(org, gateway);
        const id = deploymentId(org, gateway);
        const endpoint = driver.endpoint(id, d.effective.port);
        const report = await probeOpenClaw(endpoint, d.env[GATEWAY_TOKEN_ENV] ?? '', { deep: gates.health || gates.channels, timeoutMs: 15_000 });
        const results = probeGates(report, gates, expectVersion);
        if (gates.doctor !== 'off') {
          if (!driver.exec) results.push({ gate: 'doctor', ok: false, message: `the ${driver.target} driver cannot run the runtime's CLI` });
          else {
            const r = await driver.exec(id, { runtime: d.effective.runtime, ...imageOf(d), args: DOCTOR_ARGS, env: d.env, timeoutMs: DOCTOR_TIMEOUT_MS });
            results.push(r.timedOut ? { gate: 'doctor', ok: false, message: `openclaw doctor did not finish within ${DOCTOR_TIMEOUT_MS / 1000}s` } : doctorGate(parseDoctor(r.stdout), gates.doctor));
          }
        }
        // Last, and only on an otherwise healthy gateway: one live agent turn (ADR 0015).
        const turn = gates.agentTurn;
        if (turn && results.every((r) => r.ok)) {
          const outcome = await opts.agentTurns.run(org, gateway, { agentId: turn.agent, message: turn.message, timeoutMs: turn.timeoutSeconds * 1000 });
          results.push(judgeAgentTurn(turn, outcome));
        }
        return results;
      },
      backup: async (org, gateway, version) => {
        if (!driver.exec || !driver.backupDir) return { error: `the ${driver.target} driver cannot run backups` };
        const d = await desiredOf(org, gateway);
        const id = deploymentId(org, gateway);
        const dir = await driver.backupDir(id);
        const r = await driver.exec(id, { runtime: { kind: d.effective.runtime.kind, version }, ...imageOf(d), args: backupArgs(dir), env: d.env, timeoutMs: BACKUP_TIMEOUT_MS });
        return parseBackup(r.stdout, r.code, r.stderr);
      },
      restore: async (org, gateway, backup) => {
        if (!driver.restoreState) throw new Error(`the ${driver.target} driver cannot restore state backups`);
        await driver.restoreState(deploymentId(org, gateway), backup);
      },
    },
  });
  return { controller, ops: { breakerThreshold, kick: () => controller.kick() } };
}
