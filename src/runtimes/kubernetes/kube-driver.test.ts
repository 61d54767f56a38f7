import { describe, expect, it } from 'vitest';
import { conflictManagers, parseDeploymentId, podHealth, toObserved } from './kube-driver.ts';

const sts = (replicas: number, hash = 'h1') => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { replicas, template: { metadata: { annotations: { 'clawplane.dev/spec-hash': hash } } } } });
const pod = (state: Record<string, unknown>, extra: Record<string, unknown> = {}, hash = 'h0') => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { annotations: { 'clawplane.dev/spec-hash': hash } },
  status: { phase: 'Running', containerStatuses: [{ name: 'gateway', restartCount: 2, state, ...extra }] },
});

describe('Kubernetes status mapping', () => {
  it('maps StatefulSet + pod to phases', () => {
    expect(toObserved('a--b', 1, undefined, undefined)).toEqual({ id: 'a--b', phase: 'missing' });
    expect(toObserved('a--b', 1, sts(0), undefined)).toMatchObject({ phase: 'stopped', specHash: 'h1' });
    expect(toObserved('a--b', 1, sts(0), pod({ running: {} })).phase).toBe('starting');
    expect(toObserved('a--b', 1, sts(1), undefined)).toMatchObject({ phase: 'starting', specHash: 'h1' });
    expect(toObserved('a--b', 1, sts(1), pod({ running: { startedAt: '2026-01-01T00:00:00Z' } }))).toMatchObject({ phase: 'running', startedAt: '2026-01-01T00:00:00.000Z', restarts: 2, specHash: 'h0' });
    expect(toObserved('a--b', 1, sts(1), pod({ waiting: { reason: 'ContainerCreating' } })).phase).toBe('starting');
    expect(toObserved('a--b', 1, sts(1), pod({ waiting: { reason: 'CrashLoopBackOff' } }, { lastState: { terminated: { exitCode: 3 } } }))).toMatchObject({ phase: 'exited', exitCode: 3 });
    expect(toObserved('a--b', 1, sts(1), pod({ terminated: { exitCode: 137 } }))).toMatchObject({ phase: 'exited', exitCode: 137 });
  });

  it('reads the managers out of a server-side apply conflict and parses ids', () => {
    const err = { code: 409, body: JSON.stringify({ details: { causes: [{ message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }, { message: 'conflict with "clawplane-ops" using apps/v1' }] } }) };
    expect(conflictManagers(err)).toEqual(['kubectl-edit', 'clawplane-ops']);
    expect(conflictManagers({ code: 409, body: { message: 'x' } })).toEqual([]);
    expect(parseDeploymentId('acme--gw--x')).toEqual({ org: 'acme', gateway: 'gw--x' });
    expect(() => parseDeploymentId('nodash')).toThrow(/invalid gateway id/);
  });
});

describe('podHealth (readiness from the pod Ready condition)', () => {
  const running = { name: 'gateway', ready: false, state: { running: { startedAt: '2026-12-05T00:00:00Z' } } };
  it('is ready only when the gateway container runs and the pod is Ready', () => {
    expect(podHealth('gw-0', undefined)).toEqual({ live: false, ready: false, error: 'pod gw-0 does not exist yet' });
    expect(podHealth('gw-0', { status: { containerStatuses: [running], conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }] } }))
      .toEqual({ live: true, ready: false, error: 'pod gw-0 not ready: ContainersNotReady' });
    expect(podHealth('gw-0', { status: { containerStatuses: [running] } })).toMatchObject({ live: true, ready: false, error: 'pod gw-0 not ready: no Ready condition yet' });
    expect(podHealth('gw-0', { status: { containerStatuses: [{ ...running, ready: true }], conditions: [{ type: 'Ready', status: 'True' }] } })).toEqual({ live: true, ready: true });
    expect(podHealth('gw-0', { status: { containerStatuses: [{ name: 'gateway', state: { waiting: { reason: 'ImagePullBackOff' } } }], conditions: [{ type: 'Ready', status: 'False' }] } }))
      .toEqual({ live: false, ready: false, error: 'pod gw-0 not ready: ImagePullBackOff' });
  });
});
