import { describe, expect, it } from 'vitest';
import { kinds } from './resources.ts';
import {
  type GatewayObservation, type RolloutSpec, type RolloutStatus, applyControl, assessRisk, heldRevision, newRolloutStatus, planWaves,
  recordBackup, recordGates, recordRestore, stepRollout,
} from './rollout.ts';

const spec = (over: Record<string, unknown> = {}): RolloutSpec => kinds.Rollout.spec.parse({ selector: {}, ...over });
const T0 = Date.parse('2026-12-04T10:00:00Z');
const names = ['a', 'b', 'c', 'd', 'e'];

function start(over: Record<string, unknown> = {}, toVersion = '2026.9.6'): { s: RolloutStatus; sp: RolloutSpec } {
  const sp = spec(over);
  const s = newRolloutStatus({
    spec: sp, change: { kind: 'apply', documents: ['Agent/x'], summary: 'apply' }, actor: 'alice', now: T0,
    gateways: names.slice(0, 3).map((n, i) => ({ name: n, from: i + 1, fromVersion: '2026.9.6', toVersion })),
  });
  return { s, sp };
}

const ok: GatewayObservation = { revision: 1, ready: true, restarts: 0 };
const obs = (m: Record<string, Partial<GatewayObservation>>): Record<string, GatewayObservation> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { ...ok, ...v }]));

describe('planWaves', () => {
  it('all, rolling by maxUnavailable, canary by count, percent and wave size', () => {
    expect(planWaves(names, spec({ strategy: 'all' }))).toEqual([names]);
    expect(planWaves(names, spec({ strategy: 'all-at-once' }))).toEqual([names]);
    expect(planWaves(names, spec({ strategy: 'rolling', maxUnavailable: 2 }))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(planWaves(names, spec({ strategy: 'canary' }))).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
    expect(planWaves(names, spec({ strategy: 'canary', canary: { count: 2 }, waveSize: 3 }))).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    expect(planWaves(names, spec({ strategy: 'canary', canary: { percent: 20 }, waveSize: 2 }))).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    expect(planWaves(names, spec({ strategy: 'canary', canary: { count: 9 } }))).toEqual([names]);
    expect(planWaves([], spec())).toEqual([]);
  });
  it('rejects canary with both count and percent', () => {
    expect(kinds.Rollout.spec.safeParse({ selector: {}, canary: { count: 1, percent: 5 } }).success).toBe(false);
  });
});

describe('assessRisk', () => {
  it('flags runtime version changes and policy changes only', () => {
    const same = [{ name: 'a', fromVersion: '2026.9.6', toVersion: '2026.9.6' }];
    expect(assessRisk({ kind: 'apply', documents: ['Agent/x', 'ConfigTemplate/t'], summary: '' }, same)).toEqual([]);
    expect(assessRisk({ kind: 'apply', documents: ['Policy/p'], summary: '' }, same)).toEqual(['policy change (Policy/p)']);
    expect(assessRisk({ kind: 'runtimeVersion', summary: '' }, [{ name: 'a', fromVersion: '2026.9.5', toVersion: '2026.9.6' }])).toEqual(['runtime version change (2026.9.5 → 2026.9.6)']);
  });
});

describe('stepRollout', () => {
  it('releases wave by wave, gates each gateway and succeeds', () => {
    let { s, sp } = start({ strategy: 'canary', waveSize: 2 });
    expect(s.phase).toBe('Progressing');
    expect(s.gateways.map((g) => [g.name, g.wave, g.hold])).toEqual([['a', 0, 1], ['b', 1, 2], ['c', 1, 3]]);
    let r = stepRollout(s, obs({ a: { revision: 1 }, b: { revision: 2 }, c: { revision: 3 } }), sp, T0 + 1000);
    expect(r.actions).toEqual([{ type: 'enqueue', gateway: 'a' }]);
    s = r.status;
    expect(s.gateways[0]).toMatchObject({ state: 'updating', releasedAt: new Date(T0 + 1000).toISOString() });
    expect(s.gateways[0]!.hold).toBeUndefined();
    // Still on the old revision: nothing to do.
    r = stepRollout(s, obs({ a: { revision: 1 } }), sp, T0 + 2000);
    expect(r.actions).toEqual([]);
    // Ready on a new revision: run the gates.
    r = stepRollout(s, obs({ a: { revision: 4 } }), sp, T0 + 3000);
    expect(r.actions).toEqual([{ type: 'gates', gateway: 'a' }]);
    s = recordGates(r.status, 'a', [{ gate: 'readyz', ok: true, message: 'ready' }], T0 + 4000);
    r = stepRollout(s, obs({ a: { revision: 4 }, b: { revision: 2 }, c: { revision: 3 } }), sp, T0 + 5000);
    expect(r.actions).toEqual([{ type: 'enqueue', gateway: 'b' }, { type: 'enqueue', gateway: 'c' }]);
    s = r.status;
    expect(s.currentWave).toBe(1);
    s = recordGates(s, 'b', [{ gate: 'readyz', ok: true, message: '' }], T0 + 6000);
    s = recordGates(s, 'c', [{ gate: 'readyz', ok: true, message: '' }], T0 + 6000);
    r = stepRollout(s, obs({}), sp, T0 + 7000);
    expect(r.status.phase).toBe('Succeeded');
    expect(r.actions).toEqual([]);
    expect(r.status.gateways.every((g) => g.hold === undefined)).toBe(true);
  });

  it('a failed gate rolls the failed gateway back, reverts the healthy ones (revert), holds the rest, then pins', () => {
    let { s, sp } = start({ strategy: 'rolling', onFailure: 'revert' });
    s = stepRollout(s, obs({ a: { revision: 1 } }), sp, T0).status;
    s = recordGates(s, 'a', [{ gate: 'doctor', ok: true, message: '' }], T0 + 1);
    s = stepRollout(s, obs({ a: { revision: 4 }, b: { revision: 2 } }), sp, T0 + 2).status; // releases b
    expect(s.gateways[1]!.state).toBe('updating');
    s = recordGates(s, 'b', [{ gate: 'doctor', ok: false, message: '1 finding at error or above' }], T0 + 3);
    let r = stepRollout(s, obs({ a: { revision: 4 }, b: { revision: 5 }, c: { revision: 3 } }), sp, T0 + 4);
    expect(r.status.phase).toBe('RollingBack');
    expect(r.status.reason).toContain('gateway b: gate failed: doctor: 1 finding');
    expect(r.status.gateways.map((g) => [g.name, g.state, g.hold])).toEqual([['a', 'reverting', 1], ['b', 'rolling-back', 2], ['c', 'held', 3]]);
    expect(r.actions).toEqual([{ type: 'enqueue', gateway: 'a' }, { type: 'enqueue', gateway: 'b' }]);
    // a back on 1, b not yet.
    r = stepRollout(r.status, obs({ a: { revision: 1 }, b: { revision: 5, ready: false } }), sp, T0 + 5);
    expect(r.status.phase).toBe('RollingBack');
    r = stepRollout(r.status, obs({ a: { revision: 1 }, b: { revision: 2 } }), sp, T0 + 6);
    expect(r.status.phase).toBe('Failed');
    expect(r.actions).toEqual([{ type: 'pin', gateway: 'a', revision: 1 }, { type: 'pin', gateway: 'b', revision: 2 }, { type: 'pin', gateway: 'c', revision: 3 }]);
    expect(r.status.gateways.map((g) => g.state)).toEqual(['reverted', 'rolled-back', 'held']);
    expect(r.status.message).toMatch(/^failed: gateway b/);
  });

  it('keep: healthy updated gateways stay on the new revision', () => {
    let { s, sp } = start({ strategy: 'rolling', onFailure: 'keep' });
    s = stepRollout(s, obs({}), sp, T0).status;
    s = recordGates(s, 'a', [{ gate: 'readyz', ok: true, message: '' }], T0);
    s = stepRollout(s, obs({}), sp, T0).status;
    s = recordGates(s, 'b', [{ gate: 'readyz', ok: false, message: 'not ready' }], T0);
    const r = stepRollout(s, obs({}), sp, T0);
    expect(r.status.gateways.map((g) => g.state)).toEqual(['succeeded', 'rolling-back', 'held']);
  });

  it('backs up before a version change; a failed backup fails the gateway and counts for the breaker', () => {
    const { s: s0, sp } = start({ strategy: 'all' }, '2026.9.5');
    let s = (applyControl(s0, 'approve', 'root', T0) as { status: RolloutStatus }).status;
    expect(s.approvedBy).toBe('root');
    let r = stepRollout(s, obs({ a: {}, b: {}, c: {} }), sp, T0);
    expect(r.actions).toEqual(['a', 'b', 'c'].map((g) => ({ type: 'backup', gateway: g, version: '2026.9.6' })));
    s = recordBackup(r.status, 'a', { path: '/b/a.tgz' }, T0);
    s = recordBackup(s, 'b', { error: 'disk full' }, T0);
    s = recordBackup(s, 'c', { path: '/b/c.tgz' }, T0);
    r = stepRollout(s, obs({ a: {}, b: {}, c: {} }), sp, T0 + 1);
    expect(r.status.phase).toBe('RollingBack');
    expect(r.status.reason).toContain('pre-upgrade state backup failed: disk full');
    expect(r.status.gateways.map((g) => g.state)).toEqual(['held', 'rolling-back', 'held']);
    expect(r.status.gateways[0]!.backup).toBe('/b/a.tgz');
    expect(r.actions).toContainEqual({ type: 'breaker-failure', version: '2026.9.5' });
  });

  it('a failed runtime upgrade restores the pre-upgrade state backup while rolling back', () => {
    const { s: s0, sp } = start({ strategy: 'all' }, '2026.9.5');
    let s = (applyControl(s0, 'approve', 'root', T0) as { status: RolloutStatus }).status;
    for (const g of ['a', 'b', 'c']) s = recordBackup(s, g, { path: `/b/${g}.tgz` }, T0);
    s = stepRollout(s, obs({ a: {}, b: {}, c: {} }), sp, T0).status;
    expect(s.gateways.map((g) => g.state)).toEqual(['updating', 'updating', 'updating']);
    const r = stepRollout(s, obs({ a: { restarts: 2, ready: false }, b: {}, c: {} }), sp, T0 + 1);
    expect(r.actions.filter((a) => a.type === 'restore')).toEqual(['a', 'b', 'c'].map((g) => ({ type: 'restore', gateway: g, backup: `/b/${g}.tgz` })));
    const restored = recordRestore(r.status, 'a', { ok: true }, T0 + 2);
    expect(restored.gateways[0]!.message).toMatch(/crash loop: restarted 2 time\(s\) since the update; pre-upgrade state restored from \/b\/a\.tgz$/);
  });

  it('a downgrade with restoreBackup puts the older state back when the gateway is released', () => {
    const sp = spec({ strategy: 'all', restoreBackup: true });
    let s = newRolloutStatus({ spec: sp, change: { kind: 'runtimeVersion', summary: '' }, actor: 'a', now: T0, gateways: [{ name: 'a', from: 3, fromVersion: '2026.9.6', toVersion: '2026.9.5', restoreFrom: '/b/old.tgz' }] });
    s = (applyControl(s, 'approve', 'root', T0) as { status: RolloutStatus }).status;
    s = recordBackup(s, 'a', { path: '/b/new.tgz' }, T0);
    const r = stepRollout(s, obs({ a: { revision: 3 } }), sp, T0);
    expect(r.actions).toEqual([{ type: 'enqueue', gateway: 'a' }, { type: 'restore', gateway: 'a', backup: '/b/old.tgz' }]);
    s = recordRestore(r.status, 'a', { ok: true }, T0);
    expect(s.gateways[0]).toMatchObject({ state: 'updating', restored: true });
    expect(stepRollout(s, obs({ a: { revision: 3 } }), sp, T0).actions).toEqual([]);
    const failed = recordRestore(r.status, 'a', { error: 'no such file' }, T0);
    expect(failed.gateways[0]).toMatchObject({ state: 'failed', message: 'restoring the state for 2026.9.5 from /b/old.tgz failed: no such file' });
  });

  it('times out a gateway that never becomes ready; timers restart after a control-plane restart', () => {
    let { s, sp } = start({ strategy: 'rolling', gates: { timeoutSeconds: 60 } });
    s = stepRollout(s, obs({}), sp, T0).status;
    expect(stepRollout(s, obs({ a: { ready: false, revision: 7, restarts: 0 } }), sp, T0 + 59_000).status.phase).toBe('Progressing');
    // The control plane restarted at T0+50s: a fresh 60 s.
    expect(stepRollout(s, obs({ a: { ready: false, revision: 7 } }), sp, T0 + 100_000, T0 + 50_000).status.phase).toBe('Progressing');
    const r = stepRollout(s, obs({ a: { ready: false, revision: 7, lifecycle: 'degraded' } }), sp, T0 + 61_000);
    expect(r.status.phase).toBe('RollingBack');
    expect(r.status.gateways[0]!.message).toContain('not ready on the new revision within 60s (lifecycle degraded)');
    const crash = stepRollout(s, obs({ a: { restarts: 2, revision: 7, ready: false, message: 'exit code 78' } }), sp, T0 + 1000);
    expect(crash.status.gateways[0]!.message).toBe('crash loop: restarted 2 time(s) since the update (exit code 78)');
  });

  it('approval, pause, resume and abort', () => {
    const { s, sp } = start({}, '2026.9.5');
    expect(s.phase).toBe('AwaitingApproval');
    expect(stepRollout(s, obs({}), sp, T0).actions).toEqual([]);
    expect(applyControl(s, 'resume', 'bob', T0)).toEqual({ error: 'the rollout is AwaitingApproval, not paused' });
    const paused = applyControl(s, 'pause', 'bob', T0) as { status: RolloutStatus };
    expect(paused.status.phase).toBe('Paused');
    expect(stepRollout(paused.status, obs({}), sp, T0).actions).toEqual([]);
    const resumed = applyControl(paused.status, 'resume', 'bob', T0) as { status: RolloutStatus };
    expect(resumed.status.phase).toBe('AwaitingApproval');
    const aborted = applyControl(resumed.status, 'abort', 'bob', T0) as { status: RolloutStatus };
    const r = stepRollout(aborted.status, obs({}), sp, T0);
    expect(r.status.phase).toBe('Aborted');
    expect(r.actions.filter((a) => a.type === 'pin')).toHaveLength(3);
    expect(applyControl(r.status, 'pause', 'bob', T0)).toEqual({ error: 'the rollout is Aborted; nothing to pause' });
  });

  it('heldRevision finds holds of active rollouts only', () => {
    const { s } = start();
    expect(heldRevision([{ status: s as unknown as Record<string, unknown> }], 'b')?.revision).toBe(2);
    expect(heldRevision([{ status: { ...s, phase: 'Failed' } as unknown as Record<string, unknown> }], 'b')).toBeUndefined();
    expect(heldRevision([{ status: {} }], 'b')).toBeUndefined();
  });
});
