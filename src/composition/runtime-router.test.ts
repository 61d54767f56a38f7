import { describe, expect, it } from 'vitest';
import type { GatewayDeployment, ObservedGateway, RuntimeDriver } from '../core/ports/runtime.ts';
import { TARGET_UNAVAILABLE } from '../core/ports/runtime.ts';
import { TargetUnavailableError, createRoutingDriver } from './runtime-router.ts';

/** In-memory driver behind the port: just enough state to see where the router sends calls. */
function memoryDriver(target: RuntimeDriver['target']): RuntimeDriver & { running: Map<string, string>; removed: string[] } {
  const running = new Map<string, string>();
  const removed: string[] = [];
  const obs = (id: string): ObservedGateway => (running.has(id) ? { id, phase: 'running', specHash: running.get(id)! } : { id, phase: 'missing' });
  return {
    target, running, removed,
    observe: async (id) => obs(id),
    observeAll: async () => [...running.keys()].map(obs),
    start: async (d: GatewayDeployment) => {
      running.set(d.id, d.specHash);
      return obs(d.id);
    },
    writeFiles: async () => undefined,
    stop: async () => undefined,
    kill: async () => undefined,
    remove: async (id) => {
      running.delete(id);
      removed.push(id);
      return { archive: `/archive/${target}/${id}.tar.gz` };
    },
    readConfig: async (id) => (running.has(id) ? `${target}-config` : undefined),
    async *logs(id: string) {
      yield `${target} log of ${id}`;
    },
    endpoint: (_id, port) => ({ host: '127.0.0.1', port }),
    stateDirFor: (id) => `/${target}/${id}`,
  };
}

const deployment = (id: string, specHash = 'h1'): GatewayDeployment => ({
  id, org: 'acme', gateway: id.split('--')[1]!, runtime: { kind: 'openclaw', version: '2026.9.6' }, port: 18800, files: {}, env: {}, specHash,
});

describe('routing driver', () => {
  it('routes each gateway to the driver of its target', async () => {
    const proc = memoryDriver('process');
    const docker = memoryDriver('docker');
    const r = createRoutingDriver({ drivers: { process: proc, docker } });
    r.remember('acme--a', 'process');
    r.remember('acme--b', 'docker');
    await r.start(deployment('acme--a'));
    await r.start(deployment('acme--b'));
    expect([...proc.running.keys()]).toEqual(['acme--a']);
    expect([...docker.running.keys()]).toEqual(['acme--b']);
    expect(r.stateDirFor('acme--b')).toBe('/docker/acme--b');
    expect(await r.readConfig('acme--b')).toBe('docker-config');
    expect((await r.observeAll()).map((o) => o.id).sort()).toEqual(['acme--a', 'acme--b']);
    const lines: string[] = [];
    for await (const l of r.logs('acme--b')) lines.push(l);
    expect(lines).toEqual(['docker log of acme--b']);
  });

  it('finds gateways of unknown target (after a restart) and removes them everywhere', async () => {
    const proc = memoryDriver('process');
    const docker = memoryDriver('docker');
    docker.running.set('acme--old', 'h');
    const r = createRoutingDriver({ drivers: { process: proc, docker } });
    expect((await r.observe('acme--old')).phase).toBe('running');
    expect(await r.remove('acme--old')).toEqual({ archive: '/archive/docker/acme--old.tar.gz' });
    expect(docker.removed).toEqual(['acme--old']);
    expect((await r.observe('acme--old')).phase).toBe('missing');
  });

  it('moving a gateway to another target removes it from the old one', async () => {
    const proc = memoryDriver('process');
    const docker = memoryDriver('docker');
    const r = createRoutingDriver({ drivers: { process: proc, docker } });
    r.remember('acme--a', 'process');
    await r.start(deployment('acme--a'));
    r.remember('acme--a', 'docker');
    await r.start(deployment('acme--a', 'h2'));
    expect(proc.removed).toEqual(['acme--a']);
    expect(docker.running.get('acme--a')).toBe('h2');
    expect((await r.observeAll()).filter((o) => o.id === 'acme--a')).toHaveLength(1);
  });

  it('a target without a driver fails with a clear message, endpoint never throws', async () => {
    const r = createRoutingDriver({ drivers: { process: memoryDriver('process') }, unavailable: { kubernetes: 'no Kubernetes driver is configured' } });
    r.remember('acme--k', 'kubernetes');
    await expect(r.observe('acme--k')).rejects.toThrow(TargetUnavailableError);
    await expect(r.observe('acme--k')).rejects.toMatchObject({ code: TARGET_UNAVAILABLE });
    await expect(r.start(deployment('acme--k'))).rejects.toThrow('target kubernetes is not available: no Kubernetes driver is configured');
    expect(r.endpoint('acme--k', 18800)).toEqual({ host: '127.0.0.1', port: 18800 });
  });

  it('forwards observeHealth and execCommand to the target driver (undefined health: probe over HTTP)', async () => {
    const proc = memoryDriver('process');
    const k8s = { ...memoryDriver('kubernetes'), observeHealth: async () => ({ live: true, ready: true }), execCommand: async () => ({ exitCode: 0, stdout: 'k', stderr: '' }) };
    proc.running.set('acme--p', 'h');
    k8s.running.set('acme--k', 'h');
    const r = createRoutingDriver({ drivers: { process: proc, kubernetes: k8s } });
    r.remember('acme--k', 'kubernetes');
    r.remember('acme--p', 'process');
    expect(await r.observeHealth('acme--k')).toEqual({ live: true, ready: true });
    expect(await r.observeHealth('acme--p')).toBeUndefined();
    expect((await r.execCommand('acme--k', ['true'])).stdout).toBe('k');
    await expect(r.execCommand('acme--p', ['true'])).rejects.toThrow('target process does not support exec');
  });

  it('one failing target does not hide the others from observeAll', async () => {
    const proc = memoryDriver('process');
    proc.running.set('acme--a', 'h');
    const broken = { ...memoryDriver('docker'), observeAll: async () => Promise.reject(new Error('engine down')) };
    const warnings: string[] = [];
    const r = createRoutingDriver({ drivers: { process: proc, docker: broken }, onWarn: (m) => warnings.push(m) });
    expect((await r.observeAll()).map((o) => o.id)).toEqual(['acme--a']);
    await r.observeAll();
    expect(warnings).toHaveLength(1);
  });
});
