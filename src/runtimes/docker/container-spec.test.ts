import { describe, expect, it } from 'vitest';
import type { GatewayDeployment } from '../../core/ports/runtime.ts';
import { buildContainerSpec, buildExecTaskSpec, buildRestoreTaskSpec, containerEnv, containerName, imageFor, volumeName } from './container-spec.ts';

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

  it('mounts the backup dir at the same path when given', () => {
    const spec = buildContainerSpec(d, { owner: 'deadbeef00', configDir: '/c', defaults: {}, backupDir: '/data/backups/acme--gw1' });
    expect(spec.HostConfig?.Binds).toEqual(['/c:/etc/openclaw:ro', '/data/backups/acme--gw1:/data/backups/acme--gw1']);
  });

  it('exec task: the gateway\'s image, env, mounts and hardening, the CLI args, no gateway id label', () => {
    const spec = buildExecTaskSpec(d, { owner: 'deadbeef00', id: d.id, suffix: 'exec-1', image: 'localhost/openclaw:2026.9.5', configDir: '/c', backupDir: '/b/acme--gw1', cmd: ['doctor', '--json'], defaults: {} });
    expect(spec.name).toBe('clawplane-deadbeef-acme--gw1-exec-1');
    expect(spec.Image).toBe('localhost/openclaw:2026.9.5');
    expect(spec.Cmd).toEqual(['doctor', '--json']);
    expect(spec.Labels).toEqual({ 'clawplane.dev/managed': 'true', 'clawplane.dev/owner': 'deadbeef00', 'clawplane.dev/task-of': 'acme--gw1', 'clawplane.dev/org': 'acme', 'clawplane.dev/gateway': 'gw1' });
    expect(spec.Env).toContain('OPENCLAW_STATE_DIR=/home/node/.openclaw');
    expect(spec.User).toBe('1000:1000');
    expect(spec.HostConfig).toMatchObject({
      CapDrop: ['ALL'], ReadonlyRootfs: true, SecurityOpt: ['no-new-privileges'],
      Binds: ['/c:/etc/openclaw:ro', '/b/acme--gw1:/b/acme--gw1'],
      Mounts: [{ Type: 'volume', Source: 'clawplane-deadbeef-acme--gw1-state', Target: '/home/node/.openclaw' }],
    });
  });

  it('restore task: no network, no caps, user 1000, the archive read-only, the state volume, no shell', () => {
    const spec = buildRestoreTaskSpec(d, { owner: 'deadbeef00', id: d.id, suffix: 'restore-1', image: 'img', archive: '/data/backups/acme--gw1/x.tar.gz' });
    expect(spec.Entrypoint?.[0]).toBe('/usr/local/bin/node');
    expect(spec.Cmd).toEqual(['/data/backups/acme--gw1/x.tar.gz', '/home/node/.openclaw']);
    expect(spec.User).toBe('1000:1000');
    expect(spec.Env?.join(' ')).not.toContain('s3cr3t');
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: 'none', CapDrop: ['ALL'], ReadonlyRootfs: true,
      Binds: ['/data/backups/acme--gw1/x.tar.gz:/data/backups/acme--gw1/x.tar.gz:ro'],
      Mounts: [{ Type: 'volume', Source: 'clawplane-deadbeef-acme--gw1-state', Target: '/home/node/.openclaw' }],
    });
    expect(spec.Labels?.['clawplane.dev/id']).toBeUndefined();
  });
});
