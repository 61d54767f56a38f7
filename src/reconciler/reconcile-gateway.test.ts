// Unit test of reconcileGateway's decisions. LABEL: uses an in-test RuntimeDriver and health probe
// (fakes behind the RuntimeDriver / probe ports) that only record calls and keep a phase + files in
// memory. The real path (real store + process driver + OpenClaw gateway) is covered end-to-end after merge.
import { describe, expect, it } from 'vitest';
import type { EffectiveGateway } from '../core/model.ts';
import type { ConfigApplied, HealthReport } from '../core/ports/claw-adapter.ts';
import { type GatewayDeployment, type ObservedGateway, type RuntimeDriver, TARGET_UNAVAILABLE } from '../core/ports/runtime.ts';
import type { Resource } from '../core/resources.ts';
import type { GatewayStatus } from '../core/status.ts';
import { createGatewayController } from './controller.ts';
import { createFakeClock, flushAsync } from './fake-clock.ts';
import { type DesiredGateway, type GatewayEvent, type ReconcileDeps, computeSpecHash, computeStartHash, reconcileGateway } from './reconcile-gateway.ts';

const ID = 'acme--gw1';
const KEY = 'acme/gw1';

function recordingDriver() {
  const calls: string[] = [];
  const state: { phase: ObservedGateway['phase']; specHash?: string; port?: number; files: Record<string, string>; startedAt?: string; fail?: string; unavailable?: string } = { phase: 'missing', files: {} };
  const driver: RuntimeDriver = {
    target: 'process',
    async observe(id) {
      calls.push('observe');
      if (state.unavailable) throw Object.assign(new Error(state.unavailable), { code: TARGET_UNAVAILABLE });
      if (state.fail) throw new Error(state.fail);
      return { id, phase: state.phase, ...(state.specHash ? { specHash: state.specHash } : {}), ...(state.port ? { port: state.port } : {}), ...(state.startedAt ? { startedAt: state.startedAt } : {}) };
    },
    async observeAll() {
      return state.phase === 'missing' ? [] : [{ id: ID, phase: state.phase, ...(state.specHash ? { specHash: state.specHash } : {}), ...(state.startedAt ? { startedAt: state.startedAt } : {}), exitCode: state.phase === 'exited' ? 1 : null }];
    },
    async start(d: GatewayDeployment) {
      calls.push('start');
      Object.assign(state, { phase: 'running', specHash: d.specHash, port: d.port, files: { ...d.files }, startedAt: '2026-01-01T00:00:00.000Z' });
      return { id: d.id, phase: 'running', specHash: d.specHash, port: d.port, startedAt: state.startedAt };
    },
    async writeFiles(d) {
      calls.push('writeFiles');
      state.files = { ...d.files };
    },
    async stop() {
      calls.push('stop');
      state.phase = 'stopped';
    },
    async kill() {
      calls.push('kill');
    },
    async remove() {
      calls.push('remove');
      state.phase = 'missing';
      return { archive: '/archive/acme--gw1.tar' };
    },
    async readConfig() {
      calls.push('readConfig');
      return state.files['openclaw.json'];
    },
    async *logs() {
      return;
    },
    endpoint: (_id, port) => ({ host: '127.0.0.1', port }),
    stateDirFor: (id) => `/state/${id}`,
  };
  return { driver, calls, state };
}

function makeDesired(over: { config?: object; generation?: number; desiredState?: 'running' | 'stopped'; drift?: 'restore' | 'report'; port?: number; token?: string; issues?: boolean; status?: Record<string, unknown> } = {}): DesiredGateway {
  const port = over.port ?? 20000;
  const config = JSON.stringify(over.config ?? { gateway: { mode: 'local', port, bind: 'loopback' }, logging: { level: 'info' } });
  const spec = { profile: 'usecase', exposure: 'loopback', desiredState: over.desiredState ?? 'running', drift: over.drift ?? 'restore' } as Resource<'Gateway'>['spec'];
  const resource: Resource<'Gateway'> = {
    apiVersion: 'clawplane.dev/v1alpha1',
    kind: 'Gateway',
    metadata: { name: 'gw1', org: 'acme', resourceVersion: 1, generation: over.generation ?? 1, uid: 'u1', createdAt: 't', updatedAt: 't' },
    spec,
    ...(over.status ? { status: over.status } : {}),
  };
  const effective = {
    org: 'acme', name: 'gw1', spec, runtime: { kind: 'openclaw', version: '2026.9.6' }, target: { kind: 'process' }, port,
    stateDir: '/state/acme--gw1', agents: [], accounts: [], bindings: [], layers: [], issues: [],
  } as EffectiveGateway;
  const issues = over.issues ? [{ code: 'policy_denied', path: 'agents.entries.ops.model', message: 'model denied by policy', severity: 'error' as const }] : [];
  return { resource, effective, rendered: { files: { 'openclaw.json': config }, env: [], issues }, env: { OPENCLAW_GATEWAY_TOKEN: over.token ?? 'tok-1' }, specHash: `h:${config}:${over.token ?? 'tok-1'}` };
}

function harness(opts: { probe?: (n: number) => HealthReport; reloadKind?: 'hot' | 'restart'; configApplied?: (n: number) => ConfigApplied } = {}) {
  const clock = createFakeClock();
  const d = recordingDriver();
  let desired: DesiredGateway | undefined = makeDesired();
  const statuses: GatewayStatus[] = [];
  const events: GatewayEvent[] = [];
  const audits: { action: string; details: Record<string, unknown> }[] = [];
  let probes = 0;
  let configChecks = 0;
  const deps: ReconcileDeps = {
    ...(opts.configApplied ? { configApplied: async () => { configChecks++; d.calls.push('configApplied'); return opts.configApplied!(configChecks); } } : {}),
    loadDesired: async () => desired && { ...desired, resource: { ...desired.resource, ...(statuses.length ? { status: JSON.parse(JSON.stringify(statuses.at(-1))) as Record<string, unknown> } : {}) } },
    driver: d.driver,
    probe: async () => {
      probes++;
      return opts.probe ? opts.probe(probes) : { live: true, ready: true, version: '2026.9.6' };
    },
    lookupReloadKind: async (_e, _t, paths) => {
      d.calls.push(`lookup:${paths.join(',')}`);
      return Object.fromEntries(paths.map((p) => [p, opts.reloadKind ?? 'hot']));
    },
    writeStatus: async (_o, _n, s) => void statuses.push(s),
    emit: (e) => void events.push(e),
    audit: async (action, _t, details) => void audits.push({ action, details }),
    clock,
    random: () => 0.5,
    options: { readyPollMs: 1000, readyTimeoutMs: 10_000 },
  };
  return {
    ...d, clock, deps, statuses, events, audits,
    setDesired: (x: DesiredGateway | undefined) => void (desired = x),
    run: () => reconcileGateway(KEY, deps),
    cond: (type: string) => statuses.at(-1)?.conditions.find((c) => c.type === type),
  };
}

describe('reconcileGateway (recording driver)', () => {
  it('creates a gateway, then a second pass does nothing and a third writes nothing', async () => {
    const h = harness();
    const r1 = await h.run();
    expect(r1.outcome).toBe('started');
    expect(h.calls).toEqual(['observe', 'start']);
    expect(h.statuses.at(-1)).toMatchObject({ observedGeneration: 1, lifecycle: 'running', lastAction: 'started', restarts: 0, phase: 'running', health: { ready: true } });
    expect(h.cond('Ready')?.status).toBe('True');
    expect(h.events.map((e) => e.type)).toEqual(['gateway.started']);

    h.calls.length = 0;
    const r2 = await h.run();
    expect(r2.outcome).toBe('unchanged');
    expect(h.calls).toEqual(['observe', 'readConfig']);
    expect(h.statuses.at(-1)?.lastAction).toBe('unchanged');
    // pass 1 writes "starting" (not ready yet) then "ready"; pass 2 writes lastAction unchanged
    expect(h.statuses).toHaveLength(3);
    expect(h.statuses[0]?.health).toEqual({ live: false, ready: false });

    await h.clock.advance(60_000);
    h.calls.length = 0;
    await h.run();
    expect(h.calls).toEqual(['observe', 'readConfig']);
    expect(h.statuses).toHaveLength(3); // converged: status identical, not rewritten
    expect(h.audits).toEqual([]);
  });

  it('hot-applies a config change whose paths all reload hot', async () => {
    const h = harness({ reloadKind: 'hot' });
    await h.run();
    h.setDesired(makeDesired({ generation: 2, config: { gateway: { mode: 'local', port: 20000, bind: 'loopback' }, logging: { level: 'debug' } } }));
    h.calls.length = 0;
    const r = await h.run();
    expect(r.outcome).toBe('hot-applied');
    expect(h.calls).toEqual(['observe', 'readConfig', 'lookup:logging.level', 'writeFiles']);
    expect(h.statuses.at(-1)).toMatchObject({ observedGeneration: 2, lastAction: 'hot-applied', lifecycle: 'running' });
    h.calls.length = 0;
    expect((await h.run()).outcome).toBe('unchanged');
    expect(h.calls).toEqual(['observe', 'readConfig']);
  });

  it('after a hot apply, waits until the gateway has read and applied the new file before reporting it (bounded)', async () => {
    // 1: before the write (file f1); 2: the gateway has not noticed the write yet (still f1, applied);
    // 3: read f2, reload pending; 4: f2 applied.
    const h = harness({
      reloadKind: 'hot',
      configApplied: (n) => (n <= 2 ? { state: 'applied', fileHash: 'f1' } : n === 3 ? { state: 'pending', message: 'hot reload pending', fileHash: 'f2' } : { state: 'applied', fileHash: 'f2' }),
    });
    await h.run();
    h.setDesired(makeDesired({ generation: 2, config: { gateway: { mode: 'local', port: 20000, bind: 'loopback' }, logging: { level: 'debug' } } }));
    h.calls.length = 0;
    const before = h.statuses.length;
    const p = h.run();
    await h.clock.advance(5000);
    const r = await p;
    expect(r.outcome).toBe('hot-applied');
    expect(h.calls).toEqual(['observe', 'readConfig', 'lookup:logging.level', 'configApplied', 'writeFiles', 'configApplied', 'configApplied', 'configApplied']);
    // Nothing reported for the new spec until the gateway applied it: one status write, at the end.
    expect(h.statuses.length).toBe(before + 1);
    expect(h.statuses.at(-1)).toMatchObject({ observedGeneration: 2, lastAction: 'hot-applied', lifecycle: 'running', health: { ready: true } });
    expect(h.statuses.at(-1)?.applied?.specHash).toContain('debug');
  });

  it('a hot apply the gateway refuses is not recorded as applied: not ready, explained, written again next pass', async () => {
    const h = harness({ reloadKind: 'hot', configApplied: (n) => (n === 1 ? { state: 'applied', fileHash: 'f1' } : { state: 'invalid', message: 'the gateway refused its config file: logging.level: Invalid input', fileHash: `f${n}` }) });
    await h.run();
    const good = h.statuses.at(-1)!.applied!.specHash;
    h.setDesired(makeDesired({ generation: 2, config: { gateway: { mode: 'local', port: 20000, bind: 'loopback' }, logging: { level: 'loud' } } }));
    h.calls.length = 0;
    const r = await h.run();
    expect(r.outcome).toBe('hot-applied');
    expect(r.requeueAfterMs).toBe(5000);
    const st = h.statuses.at(-1)!;
    expect(st.applied?.specHash).toBe(good);
    expect(st.health).toMatchObject({ ready: false, error: 'the gateway refused its config file: logging.level: Invalid input' });
    expect(st.lifecycle).not.toBe('running');
    expect(h.events.at(-1)).toMatchObject({ type: 'gateway.hot-apply-failed', message: expect.stringContaining('logging.level: Invalid input') });
    h.calls.length = 0;
    await h.run();
    expect(h.calls).toContain('writeFiles');

    // A gateway that never reads the file is reported at the deadline (readyTimeoutMs), not waited on forever.
    const stuck = harness({ reloadKind: 'hot', configApplied: () => ({ state: 'applied', fileHash: 'f1' }) });
    await stuck.run();
    stuck.setDesired(makeDesired({ generation: 2, config: { gateway: { mode: 'local', port: 20000, bind: 'loopback' }, logging: { level: 'debug' } } }));
    const p = stuck.run();
    await stuck.clock.advance(11_000);
    await p;
    expect(stuck.statuses.at(-1)?.health).toMatchObject({ ready: false, error: 'the gateway has not read its new config file after 10s' });
  });

  it('a runtime that cannot tell (no hashes, unreachable) is trusted at once, as before', async () => {
    const h = harness({ reloadKind: 'hot', configApplied: () => ({ state: 'unknown', message: 'config.get has no applied/revision hashes (older runtime)' }) });
    await h.run();
    h.setDesired(makeDesired({ generation: 2, config: { gateway: { mode: 'local', port: 20000, bind: 'loopback' }, logging: { level: 'debug' } } }));
    h.calls.length = 0;
    expect((await h.run()).outcome).toBe('hot-applied');
    expect(h.calls).toEqual(['observe', 'readConfig', 'lookup:logging.level', 'configApplied', 'writeFiles']);
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'running', health: { ready: true } });
  });

  it('restarts when a changed path needs a restart, or when env (token) changes', async () => {
    const h = harness({ reloadKind: 'restart' });
    await h.run();
    h.setDesired(makeDesired({ generation: 2, config: { gateway: { mode: 'local', port: 20000, bind: 'lan' }, logging: { level: 'info' } } }));
    h.calls.length = 0;
    expect((await h.run()).outcome).toBe('restarted');
    expect(h.calls).toEqual(['observe', 'readConfig', 'lookup:gateway.bind', 'start']);
    h.setDesired(makeDesired({ generation: 3, config: { gateway: { mode: 'local', port: 20000, bind: 'lan' }, logging: { level: 'info' } }, token: 'tok-2' }));
    h.calls.length = 0;
    expect((await h.run()).outcome).toBe('restarted');
    expect(h.calls).toEqual(['observe', 'readConfig', 'start']); // start-only change: no lookup needed
  });

  it('restarts a crashed gateway, counts and audits it, then backs off on a crash loop', async () => {
    const h = harness();
    await h.run();
    h.state.phase = 'exited';
    const r1 = await h.run();
    expect(r1.outcome).toBe('started');
    expect(h.statuses.at(-1)).toMatchObject({ restarts: 1, consecutiveCrashes: 1 });
    expect(h.audits.map((a) => a.action)).toEqual(['gateway.crash-restart']);
    expect(h.events.map((e) => e.type)).toContain('gateway.restarted');

    h.state.phase = 'exited';
    h.calls.length = 0;
    const r2 = await h.run();
    expect(r2.outcome).toBe('backing-off');
    expect(r2.requeueAfterMs).toBe(5000);
    expect(h.calls).toEqual(['observe']);
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'degraded', phase: 'exited' });
    expect(h.cond('Progressing')?.reason).toBe('BackingOff');

    await h.clock.advance(5000);
    const r3 = await h.run();
    expect(r3.outcome).toBe('started');
    expect(h.statuses.at(-1)).toMatchObject({ restarts: 2, consecutiveCrashes: 2 });
  });

  it('restores drift and audits it; with drift: report it only reports, once', async () => {
    const h = harness();
    await h.run();
    h.state.files['openclaw.json'] = JSON.stringify({ gateway: { mode: 'local', port: 20000, bind: 'loopback' }, logging: { level: 'trace' } });
    h.calls.length = 0;
    expect((await h.run()).outcome).toBe('drift-restored');
    expect(h.calls).toEqual(['observe', 'readConfig', 'writeFiles']);
    expect(h.audits).toEqual([{ action: 'gateway.drift-restore', details: { paths: ['logging.level'] } }]);

    h.setDesired(makeDesired({ drift: 'report' }));
    h.state.files['openclaw.json'] = '{}';
    h.calls.length = 0;
    expect((await h.run()).outcome).toBe('unchanged');
    expect(h.calls).toEqual(['observe', 'readConfig']);
    expect(h.cond('Degraded')?.reason).toBe('ConfigDrift');
    expect(h.statuses.at(-1)?.lifecycle).toBe('degraded');
    await h.run();
    expect(h.audits.map((a) => a.action)).toEqual(['gateway.drift-restore', 'gateway.drift-detect']);
  });

  it('marks an invalid spec Degraded without touching the runtime or retrying', async () => {
    const h = harness();
    h.setDesired(makeDesired({ issues: true }));
    const r = await h.run();
    expect(r).toMatchObject({ outcome: 'invalid' });
    expect(r.requeueAfterMs).toBeUndefined();
    expect(h.calls).toEqual(['observe']);
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'failed', observedGeneration: 1 });
    expect(h.cond('Degraded')).toMatchObject({ status: 'True', reason: 'InvalidSpec', message: 'agents.entries.ops.model: model denied by policy' });
    await h.run();
    expect(h.events.filter((e) => e.type === 'gateway.invalid')).toHaveLength(1);
  });

  it('stops a gateway whose desired state is stopped, and removes a deleted one', async () => {
    const h = harness();
    await h.run();
    h.setDesired(makeDesired({ desiredState: 'stopped', generation: 2 }));
    h.calls.length = 0;
    expect((await h.run()).outcome).toBe('stopped');
    expect(h.calls).toEqual(['observe', 'stop', 'observe']);
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'stopped', lastAction: 'stopped' });
    h.setDesired(undefined);
    h.calls.length = 0;
    expect((await h.run()).outcome).toBe('removed');
    expect(h.calls).toEqual(['observe', 'remove']);
    expect(h.audits.at(-1)).toEqual({ action: 'gateway.remove', details: { reason: 'resource deleted', archive: '/archive/acme--gw1.tar' } });
    expect((await h.run()).outcome).toBe('unchanged');
  });

  it('waits (bounded, on the fake clock) for readiness after a start', async () => {
    const h = harness({ probe: (n) => ({ live: n >= 2, ready: n >= 4 }) });
    const p = h.run();
    await h.clock.advance(3000);
    const r = await p;
    expect(r.outcome).toBe('started');
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'running', health: { ready: true } });

    const slow = harness({ probe: () => ({ live: true, ready: false, failing: ['agents'] }) });
    const p2 = slow.run();
    await slow.clock.advance(10_000);
    const r2 = await p2;
    expect(r2.requeueAfterMs).toBe(5000);
    expect(slow.statuses.at(-1)?.lifecycle).toBe('degraded');
    expect(slow.cond('Degraded')?.reason).toBe('ReadinessTimeout');
  });

  it('records a transient driver error in status and rethrows for a rate-limited retry', async () => {
    const h = harness();
    h.state.fail = 'driver unavailable';
    await expect(h.run()).rejects.toThrow('driver unavailable');
    expect(h.statuses.at(-1)).toMatchObject({ lastError: 'driver unavailable', lifecycle: 'creating' });
    expect(h.cond('Degraded')?.reason).toBe('ReconcileError');
    h.state.fail = undefined;
    expect((await h.run()).outcome).toBe('started');
    expect(h.statuses.at(-1)?.lastError).toBeUndefined();
  });
});

describe('controller + reconcileGateway (recording driver, fake clock)', () => {
  it('starts a gateway on the first resync, then restarts it after a crash seen by the crash watcher', async () => {
    const h = harness();
    const controller = createGatewayController({
      reconcile: (key, signal) => reconcileGateway(key, h.deps, signal),
      listGateways: async () => [{ org: 'acme', name: 'gw1', desiredState: 'running' }],
      driver: h.driver,
      clock: h.clock,
      emit: h.deps.emit,
      random: () => 0.5,
    });
    controller.start();
    await flushAsync();
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'running', lastAction: 'started' });

    h.state.phase = 'exited';
    h.state.startedAt = '2026-01-01T00:00:01.000Z';
    await h.clock.advance(2000);
    expect(h.events.map((e) => e.type)).toEqual(['gateway.started', 'gateway.crashed', 'gateway.restarted']);
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'running', lastAction: 'started', restarts: 1 });
    expect(h.audits.map((a) => a.action)).toEqual(['gateway.crash-restart']);

    await h.clock.advance(30_000); // resync: converged, nothing to do
    expect(h.statuses.at(-1)?.lastAction).toBe('unchanged');
    await controller.stop();
  });
});

describe('computeSpecHash / computeStartHash', () => {
  it('is stable under key order and changes with files, env and port', () => {
    const d = makeDesired();
    const base = computeSpecHash(d);
    expect(computeSpecHash({ ...d, env: { ...d.env } })).toBe(base);
    expect(computeSpecHash({ ...d, rendered: { ...d.rendered, files: { 'openclaw.json': '{}' } } })).not.toBe(base);
    expect(computeSpecHash({ ...d, env: { OPENCLAW_GATEWAY_TOKEN: 'other' } })).not.toBe(base);
    const moved = makeDesired({ port: 20200 });
    expect(computeStartHash(moved)).not.toBe(computeStartHash(d));
    // config-only change: start hash unchanged (→ hot-apply candidate)
    expect(computeStartHash({ ...d, rendered: { ...d.rendered, files: { 'openclaw.json': '{}' } } })).toBe(computeStartHash(d));
  });

  it('a target without a driver fails the gateway (terminal, no retry, one event) instead of deploying it elsewhere', async () => {
    const h = harness();
    h.state.unavailable = 'target kubernetes is not available: set CLAWPLANE_KUBECONFIG';
    const r = await h.run();
    expect(r.outcome).toBe('invalid');
    expect(r.requeueAfterMs).toBeUndefined();
    expect(h.calls).toEqual(['observe']);
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'failed', lastError: 'target kubernetes is not available: set CLAWPLANE_KUBECONFIG' });
    expect(h.cond('Degraded')).toMatchObject({ status: 'True', reason: 'TargetUnavailable' });
    expect(h.cond('Progressing')).toMatchObject({ status: 'False', reason: 'TargetUnavailable' });
    await h.run();
    expect(h.events.map((e) => e.type)).toEqual(['gateway.target-unavailable']);
  });

  it('uses the health the target observes (pod Ready) instead of probing over HTTP', async () => {
    const h = harness({ probe: () => { throw new Error('the control plane cannot reach the pod'); } });
    let polls = 0;
    h.driver.observeHealth = async () => (++polls >= 3 ? { live: true, ready: true } : { live: true, ready: false, error: 'pod gw1-0 not ready: ContainersNotReady' });
    const run = h.run();
    await flushAsync();
    for (let i = 0; i < 5 && polls < 3; i++) {
      await h.clock.advance(1000);
      await flushAsync();
    }
    const r = await run;
    expect(r.outcome).toBe('started');
    expect(h.statuses.at(-1)).toMatchObject({ lifecycle: 'running', health: { live: true, ready: true } });
    expect(polls).toBe(3);
  });
});
