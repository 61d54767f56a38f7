// Rollout controller (ADR 0010): drives every active Rollout from its persisted status. Each pass is
// level-based: read the rollout and its gateways' status → pure stepRollout → write the new status
// (with pins and breaker counts) in ONE transaction → enqueue gateways, then run the slow parts
// (pre-upgrade backups, health gates) and record their results the same way. The hold of a gateway
// lives in the rollout's status, so a control plane killed at any point resumes from the store.
import type { Repos, Store } from '../core/ports/store.ts';
import type { Resource } from '../core/resources.ts';
import { PINNED_REVISION_ANNOTATION } from '../core/revisions.ts';
import {
  type GateResult, type GatewayObservation, type RolloutSpec, type RolloutStatus, isActive, recordBackup, recordGates, recordRestore, stepRollout,
} from '../core/rollout.ts';
import type { Clock, TimerHandle } from './clock.ts';

export const ROLLOUT_ACTOR = 'system:rollout-controller';

/** The slow, runtime-specific parts: gates and backups (wired to the probe and RuntimeDriver.exec). */
export interface RolloutGatePort {
  check(org: string, gateway: string, gates: RolloutSpec['gates'], expectVersion: string): Promise<GateResult[]>;
  /** A state backup made with the gateway's current runtime, before a runtime version change. */
  backup(org: string, gateway: string, version: string): Promise<{ path: string } | { error: string }>;
  /** Stop the gateway and put its state back from a backup (rollback across a runtime version change). */
  restore(org: string, gateway: string, backup: string): Promise<void>;
}

export interface RolloutEvent {
  org: string;
  rollout: string;
  reason: string;
  message: string;
  time: string;
}

export interface RolloutControllerDeps {
  store: Store;
  gates: RolloutGatePort;
  enqueue(org: string, gateway: string): void;
  emit(event: RolloutEvent): void;
  clock: Clock;
  /** Failed rollouts of a version after which it is blocked. */
  breakerThreshold: number;
  /** Poll interval. Default 1 s. */
  intervalMs?: number;
  onError?(where: string, err: unknown): void;
}

export interface RolloutController {
  start(): void;
  stop(): Promise<void>;
  /** Run a pass soon (after a start or a control verb). */
  kick(): void;
  /** One pass over every active rollout (also used by the timer). */
  runOnce(): Promise<void>;
}

function observe(gw: Resource<'Gateway'> | undefined): GatewayObservation {
  if (!gw) return { ready: false, restarts: 0, missing: true };
  const st = (gw.status ?? {}) as { revision?: unknown; phase?: unknown; health?: { ready?: unknown }; restarts?: unknown; lifecycle?: unknown; message?: unknown; lastError?: unknown };
  const o: GatewayObservation = {
    ready: st.phase === 'running' && st.health?.ready === true,
    restarts: typeof st.restarts === 'number' ? st.restarts : 0,
  };
  if (typeof st.revision === 'number') o.revision = st.revision;
  if (typeof st.lifecycle === 'string') o.lifecycle = st.lifecycle;
  const msg = typeof st.lastError === 'string' ? st.lastError : typeof st.message === 'string' ? st.message : undefined;
  if (msg) o.message = msg.slice(0, 300);
  return o;
}

function withoutClock(s: RolloutStatus): string {
  const { updatedAt: _u, ...rest } = s;
  return JSON.stringify(rest);
}

export function createRolloutController(deps: RolloutControllerDeps): RolloutController {
  const { clock, store } = deps;
  const intervalMs = deps.intervalMs ?? 1000;
  const startedAt = clock.now();
  let timer: TimerHandle | undefined;
  let running = false;
  let current: Promise<void> | undefined;
  let again = false;
  const iso = (): string => new Date(clock.now()).toISOString();

  const audit = (repos: Repos, org: string, action: string, target: string, diff: unknown): Promise<unknown> =>
    repos.audit.append({ org, actor: ROLLOUT_ACTOR, action, target, diff, time: iso() });

  async function pin(repos: Repos, org: string, gateway: string, revision: number, rollout: string): Promise<void> {
    const gw = await repos.resources.get(org, 'Gateway', gateway);
    if (!gw) return;
    const { name, group, labels, gateway: parent } = gw.metadata;
    const annotations = { ...(gw.metadata.annotations ?? {}), [PINNED_REVISION_ANNOTATION]: String(revision) };
    await repos.resources.update({ kind: 'Gateway', metadata: { name, org, ...(group ? { group } : {}), ...(parent ? { gateway: parent } : {}), ...(labels ? { labels } : {}), annotations }, spec: gw.spec }, iso());
    await audit(repos, org, 'gateway.rollback', `Gateway/${gateway}`, { to: revision, rollout, reason: 'rollout failed or aborted: kept on its known-good revision' });
  }

  /** One transition in one transaction; returns what to do after commit. */
  async function transition(org: string, name: string, fn: (status: RolloutStatus, spec: RolloutSpec, repos: Repos) => Promise<{ status: RolloutStatus; events: { reason: string; message: string }[]; enqueue: string[]; pins?: { gateway: string; revision: number }[]; breaker?: string[] }>): Promise<{ events: { reason: string; message: string }[]; enqueue: string[] } | undefined> {
    return store.transaction(async (repos) => {
      const r = await repos.resources.get(org, 'Rollout', name);
      const status = r?.status as unknown as RolloutStatus | undefined;
      if (!r || !status?.phase || !isActive(status.phase)) return undefined;
      const out = await fn(status, r.spec, repos);
      const changed = withoutClock(out.status) !== withoutClock(status);
      if (!changed && out.events.length === 0) return { events: [], enqueue: out.enqueue };
      for (const p of out.pins ?? []) await pin(repos, org, p.gateway, p.revision, name);
      for (const v of out.breaker ?? []) {
        const b = await repos.breakers.recordFailure(org, v, name, iso());
        if (b.failures >= deps.breakerThreshold) {
          out.events.push({ reason: 'rollout.breaker-open', message: `runtime version ${v} failed in ${b.failures} rollout(s): blocked until an admin clears it (clawplane rollout clear-breaker ${v})` });
        }
      }
      await repos.resources.updateStatus(org, 'Rollout', name, out.status as unknown as Record<string, unknown>, iso());
      for (const e of out.events) await audit(repos, org, e.reason, `Rollout/${name}`, { message: e.message, phase: out.status.phase });
      return { events: out.events, enqueue: [...out.enqueue, ...(out.pins ?? []).map((p) => p.gateway)] };
    });
  }

  function afterCommit(org: string, name: string, res: { events: { reason: string; message: string }[]; enqueue: string[] } | undefined): void {
    if (!res) return;
    for (const e of res.events) deps.emit({ org, rollout: name, reason: e.reason, message: e.message, time: iso() });
    for (const g of new Set(res.enqueue)) deps.enqueue(org, g);
  }

  async function processRollout(org: string, name: string): Promise<void> {
    for (let i = 0; i < 20; i++) {
      type Slow = { type: 'backup' | 'gates' | 'restore'; gateway: string; version?: string; backup?: string };
      let slow: Slow[] = [];
      const res = await transition(org, name, async (status, spec, repos) => {
        const observed: Record<string, GatewayObservation> = {};
        for (const g of status.gateways) observed[g.name] = observe(await repos.resources.get(org, 'Gateway', g.name));
        const step = stepRollout(status, observed, spec, clock.now(), startedAt);
        slow = step.actions.flatMap((a): Slow[] => {
          if (a.type === 'backup') return [{ type: 'backup', gateway: a.gateway, version: a.version }];
          if (a.type === 'gates') return [{ type: 'gates', gateway: a.gateway }];
          if (a.type === 'restore') return [{ type: 'restore', gateway: a.gateway, backup: a.backup }];
          return [];
        });
        return {
          status: step.status,
          events: step.events,
          enqueue: step.actions.flatMap((a) => (a.type === 'enqueue' ? [a.gateway] : [])),
          pins: step.actions.flatMap((a) => (a.type === 'pin' ? [{ gateway: a.gateway, revision: a.revision }] : [])),
          breaker: [...new Set(step.actions.flatMap((a) => (a.type === 'breaker-failure' ? [a.version] : [])))],
        };
      });
      afterCommit(org, name, res);
      if (!res || slow.length === 0) return;
      const spec = (await store.transaction((repos) => repos.resources.get(org, 'Rollout', name)))?.spec;
      if (!spec) return;
      // Backups, gates and restores of different gateways run side by side; each records its own result.
      await Promise.all(slow.map(async (a) => {
        if (a.type === 'restore') {
          const result = await deps.gates.restore(org, a.gateway, a.backup!).then((): { ok: true } => ({ ok: true }), (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
          afterCommit(org, name, await transition(org, name, (status) => Promise.resolve({
            status: recordRestore(status, a.gateway, result, clock.now()), enqueue: [a.gateway],
            events: [{ reason: 'error' in result ? 'rollout.restore-failed' : 'rollout.state-restored', message: 'error' in result ? `gateway ${a.gateway}: restoring the pre-upgrade state failed: ${result.error}` : `gateway ${a.gateway}: pre-upgrade state restored from ${a.backup!}` }],
          })));
        } else if (a.type === 'backup') {
          const result = await deps.gates.backup(org, a.gateway, a.version!).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
          afterCommit(org, name, await transition(org, name, (status) => Promise.resolve({
            status: recordBackup(status, a.gateway, result, clock.now()), enqueue: [],
            events: [{ reason: 'error' in result ? 'rollout.backup-failed' : 'rollout.backup', message: 'error' in result ? `gateway ${a.gateway}: pre-upgrade backup failed: ${result.error}` : `gateway ${a.gateway}: state backed up to ${result.path}` }],
          })));
        } else {
          const entry = (await store.transaction((repos) => repos.resources.get(org, 'Rollout', name)))?.status as unknown as RolloutStatus | undefined;
          const toVersion = entry?.gateways.find((g) => g.name === a.gateway)?.toVersion ?? '';
          const results = await deps.gates.check(org, a.gateway, spec.gates, toVersion).catch((e: unknown): GateResult[] => [{ gate: 'gates', ok: false, message: e instanceof Error ? e.message : String(e) }]);
          const bad = results.filter((r) => !r.ok);
          afterCommit(org, name, await transition(org, name, (status) => Promise.resolve({
            status: recordGates(status, a.gateway, results, clock.now()), enqueue: [],
            events: [bad.length === 0
              ? { reason: 'rollout.gates-passed', message: `gateway ${a.gateway}: ${results.map((r) => r.gate).join(', ')} passed` }
              : { reason: 'rollout.gate-failed', message: `gateway ${a.gateway}: ${bad.map((r) => `${r.gate}: ${r.message}`).join('; ')}` }],
          })));
        }
      }));
    }
  }

  async function runOnce(): Promise<void> {
    const active = await store.transaction(async (repos) => {
      const out: { org: string; name: string }[] = [];
      for (const o of await repos.resources.listOrganizations()) {
        let cont: string | undefined;
        do {
          const page = await repos.resources.list(o.metadata.name, 'Rollout', { limit: 1000, ...(cont ? { continue: cont } : {}) });
          for (const r of page.items) {
            const phase = (r.status as { phase?: RolloutStatus['phase'] } | undefined)?.phase;
            if (phase && isActive(phase)) out.push({ org: o.metadata.name, name: r.metadata.name });
          }
          cont = page.continue;
        } while (cont);
      }
      return out;
    });
    for (const r of active) {
      try {
        await processRollout(r.org, r.name);
      } catch (err) {
        deps.onError?.(`rollout ${r.org}/${r.name}`, err);
      }
    }
  }

  function pass(): Promise<void> {
    if (current) {
      again = true;
      return current;
    }
    current = (async () => {
      do {
        again = false;
        await runOnce().catch((err: unknown) => deps.onError?.('rollouts', err));
      } while (again && running);
    })().finally(() => {
      current = undefined;
    });
    return current;
  }

  function schedule(): void {
    if (!running) return;
    timer = clock.setTimer(() => {
      void pass().finally(schedule);
    }, intervalMs);
  }

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      if (timer !== undefined) clock.clearTimer(timer);
      await current;
    },
    kick() {
      if (running) void pass();
    },
  };
}
