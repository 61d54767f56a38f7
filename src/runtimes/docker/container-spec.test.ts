import { describe, expect, it } from 'vitest';
import type { GatewayDeployment } from '../../core/ports/runtime.ts';
import { buildContainerSpec, containerEnv, containerName, imageFor, volumeName } from './container-spec.ts';

const d: GatewayDeployment = {
  id: 'acme--gw1', org: 'acme', gateway: 'gw1', runtime: { kind: 'openclaw', version: '2026.9.6' }, port: 18800,
  files: { 'openclaw.json': '{}' }, env: { OPENCLAW_GATEWAY_TOKEN: 's3cr3t-token', OPENCLAW_STATE_DIR: '/evil' }, specHash: 'abc123',
};

describe('gateway container spec', () => {
  it('is hardened, host-networked on loopback, limited and labelled (no secrets in labels)', () => {
    const spec = buildContainerSpec({ ...d, resources: { memoryMiB: 1024, cpus: 0.5 } }, { owner: 'deadbeef00', configDir: '/data/docker/acme--gw1/config', defaults: {} });
    expect(spec.name).toBe('clawplane-deadbeef-acme--gw1');
    expect(spec.Cmd).toEqual(['gateway', 'run', '--port', '18800', '--bind', 'loopback']);
    expect(spec.User).toBe('1000:1000');
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: 'host', Init: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true,
      PidsLimit: 1024, Memory: 1024 * 1024 * 1024, MemorySwap: 1024 * 1024 * 1024, NanoCpus: 5e8, RestartPolicy: { Name: 'no' },
      Binds: ['/data/docker/acme--gw1/config:/etc/openclaw:ro'],
      Mounts: [{ Type: 'volume', Source: 'clawplane-deadbeef-acme--gw1-state', Target: '/home/node/.openclaw' }],
    });
    expect(spec.HostConfig?.PortBindings).toBeUndefined();
    expect(spec.Labels).toMatchObject({ 'clawplane.dev/managed': 'true', 'clawplane.dev/owner': 'deadbeef00', 'clawplane.dev/org': 'acme', 'clawplane.dev/gateway': 'gw1', 'clawplane.dev/spec-hash': 'abc123' });
    expect(JSON.stringify(spec.Labels)).not.toContain('s3cr3t');
    expect(spec.HostConfig?.LogConfig).toBeUndefined();
  });

  it('defaults the limits, adds log rotation on Docker Engine, refuses bad ports', () => {
    const spec = buildContainerSpec(d, { owner: 'deadbeef00', configDir: '/c', defaults: { logRotation: true } });
    expect(spec.HostConfig).toMatchObject({ Memory: 2048 * 1024 * 1024, NanoCpus: 2e9, LogConfig: { Type: 'json-file' } });
    expect(() => buildContainerSpec({ ...d, port: 0 }, { owner: 'deadbeef00', configDir: '/c', defaults: {} })).toThrow('invalid port');
  });

  it('env: control variables win over deployment env; bad names refused', () => {
    const env = containerEnv(d, { skipChannels: true, baseEnv: { TZ: 'UTC' } });
    expect(env).toContain('OPENCLAW_STATE_DIR=/home/node/.openclaw');
    expect(env).not.toContain('OPENCLAW_STATE_DIR=/evil');
    expect(env).toEqual(expect.arrayContaining(['OPENCLAW_GATEWAY_TOKEN=s3cr3t-token', 'TZ=UTC', 'OPENCLAW_SKIP_CHANNELS=1', 'OPENCLAW_CONFIG_PATH=/etc/openclaw/openclaw.json', 'OPENCLAW_CONFIG_READONLY=1']));
    expect(() => containerEnv({ env: { 'BAD NAME': 'x' } }, {})).toThrow('invalid env var name');
  });

  it('image: deployment image, else the driver default, else ghcr.io; {version} resolved', () => {
    expect(imageFor(d, {})).toBe('ghcr.io/openclaw/openclaw:2026.9.6');
    expect(imageFor(d, { image: 'localhost/openclaw:{version}' })).toBe('localhost/openclaw:2026.9.6');
    expect(imageFor({ ...d, image: `registry.example.com/oc@sha256:${'b'.repeat(64)}` }, { image: 'localhost/openclaw:{version}' })).toBe(`registry.example.com/oc@sha256:${'b'.repeat(64)}`);
    expect(containerName('0123456789', 'a--b')).toBe('clawplane-01234567-a--b');
    expect(volumeName('0123456789', 'a--b')).toBe('clawplane-01234567-a--b-state');
  });
});
