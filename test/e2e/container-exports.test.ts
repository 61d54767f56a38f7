// The exported Kubernetes manifests and Compose project, run for real with ONE gateway each:
//  (a) `podman kube play` of the pod generated from the StatefulSet template (+ its PVC and the
//      ConfigMap; the Secret via `podman secret create`, see README) → /readyz ready → kube down;
//  (b) `docker-compose up -d` (Compose v1) of the exported project on Docker Engine → /readyz
//      ready and the container healthcheck healthy → `down -v`.
// Needs the engines of .ci/container-runtimes.sh and the image localhost/openclaw:<version>; the
// suite is skipped with the reason printed when they are missing. Run under the heavy lock.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOfflineCommands } from '../../src/cli/offline/commands.ts';
import { waitFor } from '../helpers/e2e.ts';

const exec = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(new URL('../../openclaw-versions.json', import.meta.url), 'utf8')) as { default: string }).default;
const IMAGE = `localhost/openclaw:${VERSION}`;

async function ok(cmd: string, args: string[]): Promise<boolean> {
  try {
    await exec(cmd, args, { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

const podmanReady = (await ok('podman', ['image', 'exists', IMAGE])) && (await ok('podman', ['info']));
const dockerReady = (await ok('docker', ['image', 'inspect', IMAGE])) && (await ok('docker-compose', ['version']));
if (!podmanReady) console.warn(`container-exports: podman kube play part SKIPPED: podman or ${IMAGE} not available (run .ci/container-runtimes.sh up and build the image)`);
if (!dockerReady) console.warn(`container-exports: compose part SKIPPED: Docker Engine, docker-compose or ${IMAGE} not available`);

const suffix = randomBytes(3).toString('hex');
const tmp = mkdtempSync(join(tmpdir(), 'clawplane-exports-'));
const port = 20000 + 200 * Math.floor(Math.random() * 49) + 130;
const token = randomBytes(24).toString('hex');

function fleet(gateway: string): string {
  return [
    'apiVersion: clawplane.dev/v1alpha1',
    'kind: Organization',
    'metadata: { name: exp }',
    `spec: { displayName: Exports, defaults: { runtime: { kind: openclaw, version: "${VERSION}" }, target: { kind: kubernetes } } }`,
    '---',
    'kind: Gateway',
    `metadata: { name: ${gateway} }`,
    `spec: { profile: usecase, port: ${port}, exposure: loopback, resources: { memoryMiB: 2048 } }`,
    '---',
    'kind: Agent',
    `metadata: { name: main, gateway: ${gateway} }`,
    'spec: { kind: usecase, purpose: Export test, model: anthropic/claude-sonnet-4-6, personality: { soul: "You are the export test." } }',
    '',
  ].join('\n');
}

async function cli(args: string[]): Promise<{ err: string; code: number }> {
  let err = '';
  const program = new Command('clawplane').exitOverride();
  registerOfflineCommands(program, { out: () => undefined, err: (s) => { err += s; } });
  const before = process.exitCode;
  process.exitCode = 0;
  await program.parseAsync(['node', 'clawplane', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { err, code };
}

async function readyz(): Promise<Record<string, unknown> | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
  const body = (await res.json()) as Record<string, unknown>;
  return res.ok && body.ready === true ? body : undefined;
}

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!podmanReady)('Kubernetes export under podman kube play', () => {
  const gw = `kp-${suffix}`;
  const out = join(tmp, 'k8s');
  const playFile = join(out, 'podman', 'clawplane-exp', `${gw}.yaml`);
  const cleanup = async (): Promise<void> => {
    await exec('podman', ['kube', 'down', playFile]).catch(() => undefined);
    await exec('podman', ['volume', 'rm', '-f', `${gw}-config`, `state-${gw}-0`]).catch(() => undefined);
    await exec('podman', ['secret', 'rm', `${gw}-secrets`]).catch(() => undefined);
    await exec('podman', ['network', 'rm', 'podman-default-kube-network']).catch(() => undefined);
  };
  beforeAll(async () => {
    writeFileSync(join(tmp, 'kp.yaml'), fleet(gw));
    const r = await cli(['export', 'k8s', '-f', join(tmp, 'kp.yaml'), '--out', out, '--kube-play', '--image', IMAGE, '--image-pull-policy', 'Never']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
  afterAll(cleanup);

  it('runs the generated pod: ready on loopback, non-root, read-only root fs, seeded state volume', async () => {
    // Podman 4.3 cannot take the Secret from YAML: its JSON form {"KEY":"<base64>"} (see README).
    // (from a 0600 file: podman only reads `-` from a FIFO, and node's stdin pipes are sockets)
    const secretFile = join(tmp, 'secret.json');
    writeFileSync(secretFile, JSON.stringify({ OPENCLAW_GATEWAY_TOKEN: Buffer.from(token).toString('base64') }), { mode: 0o600 });
    await exec('podman', ['secret', 'create', `${gw}-secrets`, secretFile]);
    rmSync(secretFile);
    const started = Date.now();
    await exec('podman', ['kube', 'play', playFile], { timeout: 60_000 });
    await waitFor('the kube-play gateway to be ready', 90_000, readyz);
    console.log(`kube play → /readyz ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const authed = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { authorization: `Bearer ${token}` } });
    expect(authed.status).toBe(200);
    const ctr = `${gw}-0-gateway`;
    expect((await exec('podman', ['exec', ctr, 'id', '-u'])).stdout.trim()).toBe('1000');
    await expect(exec('podman', ['exec', ctr, 'touch', '/should-fail'])).rejects.toThrow(/Read-only file system/);
    expect((await exec('podman', ['exec', ctr, 'cat', '/home/node/.openclaw/workspaces/main/SOUL.md'])).stdout).toContain('You are the export test.');
    const inspect = JSON.parse((await exec('podman', ['inspect', ctr])).stdout) as { HostConfig: { CapDrop?: string[]; CapAdd?: string[] | null; Memory: number } }[];
    expect(inspect[0]?.HostConfig.Memory).toBe(2048 * 1024 * 1024);
    expect(inspect[0]?.HostConfig.CapAdd ?? []).toEqual([]);
  }, 150_000);

  it('kube down stops it; volumes, secret and the kube network are removed', async () => {
    await exec('podman', ['kube', 'down', playFile], { timeout: 60_000 });
    await cleanup();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
    expect((await exec('podman', ['volume', 'ls', '-q'])).stdout).not.toContain(gw);
    expect((await exec('podman', ['secret', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain(gw);
    expect((await exec('podman', ['pod', 'ps', '-q', '--filter', `name=${gw}`])).stdout.trim()).toBe('');
  }, 90_000);
});

describe.skipIf(!dockerReady)('Compose export under docker-compose (v1) on Docker Engine', () => {
  const gw = `cp-${suffix}`;
  const project = `clawplane-export-${suffix}`;
  const out = join(tmp, 'compose');
  const env = { ...process.env, [`${gw.toUpperCase().replace(/-/g, '_')}__OPENCLAW_GATEWAY_TOKEN`]: token };
  const compose = (args: string[], timeout = 60_000) => exec('docker-compose', ['-p', project, ...args], { cwd: out, env, timeout });
  beforeAll(async () => {
    writeFileSync(join(tmp, 'cp.yaml'), fleet(gw));
    const r = await cli(['export', 'compose', '-f', join(tmp, 'cp.yaml'), '--out', out, '--pull-never', '--image', IMAGE]);
    expect(r.code).toBe(0);
  });
  afterAll(async () => {
    await compose(['down', '-v', '--timeout', '5']).catch(() => undefined);
  });

  it('up -d: the gateway answers /readyz on loopback and its healthcheck turns healthy', async () => {
    const started = Date.now();
    await compose(['up', '-d']);
    await waitFor('the compose gateway to be ready', 90_000, readyz);
    console.log(`compose up → /readyz ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const id = (await compose(['ps', '-q', gw])).stdout.trim();
    await waitFor('the compose healthcheck to be healthy', 45_000, async () => (await exec('docker', ['inspect', '-f', '{{.State.Health.Status}}', id])).stdout.trim() === 'healthy');
    const inspect = JSON.parse((await exec('docker', ['inspect', id])).stdout) as { Config: { User: string }; HostConfig: { ReadonlyRootfs: boolean; CapDrop: string[]; NetworkMode: string; Init: boolean; SecurityOpt: string[] } }[];
    expect(inspect[0]?.Config.User).toBe('1000:1000');
    expect(inspect[0]?.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], NetworkMode: 'host', Init: true, SecurityOpt: ['no-new-privileges:true'] });
    // the token is in the container's env (from the shell), never in the project files
    for (const f of ['docker-compose.yml', '.env.example', 'README.md']) expect(readFileSync(join(out, f), 'utf8')).not.toContain(token);
  }, 180_000);

  it('down -v removes the containers and the state volume', async () => {
    await compose(['down', '-v', '--timeout', '10']);
    expect((await exec('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])).stdout.trim()).toBe('');
    expect((await exec('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`])).stdout.trim()).toBe('');
  }, 60_000);
});
