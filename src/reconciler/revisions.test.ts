import { describe, expect, it } from 'vitest';
import type { EffectiveGateway } from '../core/model.ts';
import type { Revision } from '../core/ports/store.ts';
import type { Resource } from '../core/resources.ts';
import { type DesiredGateway, computeSpecHash } from './reconcile-gateway.ts';
import { PINNED_REVISION_ANNOTATION, applyPinnedRevision, configHashOf, defaultRollbackTarget, pinnedRevisionOf, planRevision } from './revisions.ts';

function desired(config: string, opts: { annotations?: Record<string, string>; generation?: number; version?: string } = {}): DesiredGateway {
  const spec = { profile: 'usecase', exposure: 'loopback', desiredState: 'running', drift: 'restore' } as Resource<'Gateway'>['spec'];
  const resource: Resource<'Gateway'> = {
    apiVersion: 'clawplane.dev/v1alpha1', kind: 'Gateway',
    metadata: { name: 'gw1', org: 'acme', resourceVersion: 1, generation: opts.generation ?? 1, uid: 'u1', createdAt: 't', updatedAt: 't', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec,
  };
  const effective = {
    org: 'acme', name: 'gw1', spec, runtime: { kind: 'openclaw', version: opts.version ?? '2026.9.6' }, target: { kind: 'process' }, port: 20000,
    stateDir: '/state/acme--gw1', agents: [], accounts: [], bindings: [], layers: [], issues: [],
  } as EffectiveGateway;
  const rendered = { files: { 'openclaw.json': config, 'workspaces/a/AGENTS.md': '# a' }, env: [], issues: [] };
  const env = { OPENCLAW_GATEWAY_TOKEN: 'tok-secret', TELEGRAM_BOT_TOKEN: 'tg-secret' };
  return { resource, effective, rendered, env, specHash: computeSpecHash({ effective, rendered, env }) };
}

function revision(n: number, d: DesiredGateway, knownGood = false): Revision {
  return {
    org: 'acme', gateway: 'gw1', number: n, createdAt: 't', specHash: d.specHash, configHash: configHashOf(d.rendered.files),
    runtimeVersion: d.effective.runtime.version, files: d.rendered.files, envNames: Object.keys(d.env), cause: 'generation 1', knownGood,
  };
}

describe('pinnedRevisionOf', () => {
  it('reads a positive integer pin and ignores anything else', () => {
    const d = desired('{}');
    expect(pinnedRevisionOf(d.resource)).toBeUndefined();
    expect(pinnedRevisionOf({ metadata: { ...d.resource.metadata, annotations: { [PINNED_REVISION_ANNOTATION]: '3' } } })).toBe(3);
    for (const bad of ['0', '-1', 'x', '1.5', '']) expect(pinnedRevisionOf({ metadata: { ...d.resource.metadata, annotations: { [PINNED_REVISION_ANNOTATION]: bad } } })).toBeUndefined();
  });
});

describe('planRevision', () => {
  it('appends the first applied spec with env names only, known-good when already ready', () => {
    const d = desired('{"v":1}', { generation: 4 });
    const step = planRevision({ appliedSpecHash: d.specHash, ready: true, desired: d, pinned: undefined, revisions: [], now: '2026-12-04T00:00:00.000Z' });
    expect(step.append).toMatchObject({ org: 'acme', gateway: 'gw1', specHash: d.specHash, runtimeVersion: '2026.9.6', envNames: ['OPENCLAW_GATEWAY_TOKEN', 'TELEGRAM_BOT_TOKEN'], cause: 'generation 4', configHash: configHashOf({ 'openclaw.json': '{"v":1}' }) });
    expect(step.append?.files).toEqual(d.rendered.files);
    expect(step.appendKnownGood).toBe(true);
    expect(JSON.stringify(step)).not.toContain('secret');
    const withChange = planRevision({ appliedSpecHash: d.specHash, ready: false, desired: d, pinned: undefined, revisions: [], now: 't', lastChange: 'alice resource.update Agent/a' });
    expect(withChange.append?.cause).toBe('generation 4; alice resource.update Agent/a');
    expect(withChange.appendKnownGood).toBeUndefined();
    const rollback = planRevision({ appliedSpecHash: d.specHash, ready: false, desired: d, pinned: 2, revisions: [], now: 't' });
    expect(rollback.append?.cause).toBe('rollback to revision 2');
  });

  it('records nothing while the applied spec is not the one loaded now, or nothing was applied', () => {
    const d = desired('{"v":1}');
    expect(planRevision({ appliedSpecHash: 'older', ready: true, desired: d, pinned: undefined, revisions: [], now: 't' })).toEqual({});
    expect(planRevision({ appliedSpecHash: undefined, ready: false, desired: d, pinned: undefined, revisions: [], now: 't' })).toEqual({});
  });

  it('maps a spec seen before to its revision and marks it known-good once ready', () => {
    const d1 = desired('{"v":1}');
    const d2 = desired('{"v":2}');
    const revs = [revision(1, d1, true), revision(2, d2)];
    expect(planRevision({ appliedSpecHash: d2.specHash, ready: false, desired: d2, pinned: undefined, revisions: revs, now: 't' })).toEqual({ current: 2 });
    expect(planRevision({ appliedSpecHash: d2.specHash, ready: true, desired: d2, pinned: undefined, revisions: revs, now: 't' })).toEqual({ current: 2, markKnownGood: 2 });
    expect(planRevision({ appliedSpecHash: d1.specHash, ready: true, desired: d1, pinned: 1, revisions: revs, now: 't' })).toEqual({ current: 1 });
  });
});

describe('applyPinnedRevision', () => {
  it('deploys the revision files and runtime version with the current env, giving back its spec hash', () => {
    const d1 = desired('{"v":1}', { version: '2026.9.5' });
    const rev1 = revision(1, d1, true);
    const d2 = desired('{"v":2}', { annotations: { [PINNED_REVISION_ANNOTATION]: '1' } });
    const pinned = applyPinnedRevision(d2, 1, rev1);
    expect(pinned.rendered.files).toEqual(d1.rendered.files);
    expect(pinned.effective.runtime.version).toBe('2026.9.5');
    expect(pinned.env).toEqual(d2.env);
    expect(pinned.specHash).toBe(d1.specHash);
    expect(pinned.rendered.issues).toEqual([]);
  });

  it('blocks deployment with an error issue when the pinned revision does not exist', () => {
    const d = desired('{}');
    const out = applyPinnedRevision(d, 9, undefined);
    expect(out.rendered.files).toEqual(d.rendered.files);
    expect(out.rendered.issues).toEqual([expect.objectContaining({ code: 'revision_missing', severity: 'error' })]);
  });
});

describe('defaultRollbackTarget', () => {
  const d = desired('{}');
  const revs = [revision(1, d, true), revision(2, d, false), revision(3, d, true), revision(4, d, false)];
  it('is the newest known-good revision before the current one', () => {
    expect(defaultRollbackTarget(revs, 4)?.number).toBe(3);
    expect(defaultRollbackTarget(revs, 3)?.number).toBe(1);
    expect(defaultRollbackTarget(revs, 1)).toBeUndefined();
    expect(defaultRollbackTarget([], undefined)).toBeUndefined();
  });
});
