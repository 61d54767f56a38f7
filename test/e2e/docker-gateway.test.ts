// A docker-target gateway end to end through the real CLI and a real control plane: apply a fleet
// whose gateway runs on Docker Engine → `clawplane get gateways` shows it ready → logs → exec
// (diagnostics) → destroy (no container or volume left; the gateway token never appears in labels or our data dir).
// Needs Docker Engine (`bash .ci/container-runtimes.sh up`); skips when its socket does not answer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient, pingEngine } from '../../src/runtimes/docker/docker-client.ts';
import { buildOpenClawImage } from '../../src/runtimes/docker/image-build.ts';
import { type ServerProcess, runCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, gatewayView, waitFor } from '../helpers/e2e.ts';
import { scanForSecret } from '../helpers/leak-scan.ts';

const HOST = process.env.CLAWPLANE_DOCKER_HOST ?? 'unix:///var/run/docker.sock';
const VERSION = '2026.9.6';
const docker = createDockerClient(HOST);
const engineUp = await pingEngine(docker);
const port = 24000 + Math.floor(Math.random() * 25) * 200;
const org = `dk${Math.floor(Math.random() * 1e6)}`;

const fleet = `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: ${org} }
spec: { displayName: Docker E2E, defaults: { runtime: { kind: openclaw, version: "${VERSION}" }, target: { kind: docker } } }
---
kind: Gateway
metadata: { name: gw1 }
spec: { profile: usecase, port: ${port}, target: { kind: docker, image: "localhost/openclaw:{version}" }, resources: { memoryMiB: 1536 } }
---
kind: Agent
metadata: { name: helper, gateway: gw1 }
spec: { kind: usecase, purpose: Helps, model: anthropic/claude-sonnet-4-6, personality: { soul: "You are a containerised helper." } }
`;

const ours = () => docker.listContainers({ all: true, filters: { label: ['clawplane.dev/managed=true', `clawplane.dev/org=${org}`] } });

describe.skipIf(!engineUp)(`docker-target gateway end to end (Docker Engine at ${HOST})`, () => {
  let dir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  const { ready } = gatewayView(() => server, () => dir, org, 'gw1');

  beforeAll(async () => {
    await buildOpenClawImage(docker, { installDir: join(RUNTIMES_DIR, 'openclaw', VERSION), version: VERSION, nodePath: process.execPath });
    dir = await mkdtemp(join(tmpdir(), 'clawplane-docker-e2e-'));
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR, CLAWPLANE_DOCKER_HOST: HOST } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    for (const c of await ours().catch(() => [])) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    const vols = await docker.listVolumes({ filters: { label: [`clawplane.dev/org=${org}`] } }).catch(() => ({ Volumes: [] }));
    for (const v of vols.Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('apply → the gateway runs in a hardened container and `get gateways` shows it ready', async () => {
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet);
    const applied = await runCli(['apply', '-f', file], env);
    expect(applied.code, applied.stderr).toBe(0);
    await waitFor('docker gateway ready', 240_000, ready());
    const table = await runCli(['get', 'gateways'], env);
    expect(table.stdout).toMatch(/gw1\s+running\s+2026\.9\.6\s+\d+\s+1\s+ready/);
    const [c] = await ours();
    expect(c?.Image).toBe(`localhost/openclaw:${VERSION}`);
    const info = await docker.getContainer(c!.Id).inspect();
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.Memory).toBe(1536 * 1024 * 1024);
    expect(info.Config.Labels?.['clawplane.dev/gateway']).toBe('gw1');
    // The agent's workspace was seeded inside the state volume.
    const ex = await docker.getContainer(c!.Id).exec({ Cmd: ['cat', '/home/node/.openclaw/workspaces/helper/SOUL.md'], AttachStdout: true, AttachStderr: true });
    const out = await new Promise<string>((resolve, reject) => {
      void ex.start({ hijack: true, stdin: false }).then((s) => {
        let text = '';
        s.on('data', (b: Buffer) => (text += b.toString('utf8')));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      }, reject);
    });
    expect(out).toContain('containerised helper');
  });

  it('shows logs through the CLI; the token is only in the container env', async () => {
    const logs = await runCli(['logs', 'gateway/gw1', '--tail', '20'], env);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/gateway|ready/);
    const [c] = await ours();
    const info = await docker.getContainer(c!.Id).inspect();
    const token = (info.Config.Env ?? []).find((e) => e.startsWith('OPENCLAW_GATEWAY_TOKEN='))?.split('=')[1] ?? '';
    expect(token.length).toBeGreaterThan(20);
    expect(JSON.stringify(info.Config.Labels)).not.toContain(token);
    expect(await scanForSecret([dir], token)).toEqual([]);
    expect(server.logs()).not.toContain(token);
  });

  it('`clawplane exec` runs a command in the container (cwd = state volume), audited without the token', async () => {
    const v = await runCli(['exec', 'gateway/gw1', '--', 'openclaw', '--version'], env);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain(VERSION);
    const [c] = await ours();
    const info = await docker.getContainer(c!.Id).inspect();
    const token = (info.Config.Env ?? []).find((e) => e.startsWith('OPENCLAW_GATEWAY_TOKEN='))?.split('=')[1] ?? '';
    const probe = 'process.stdout.write(process.cwd() + " " + (process.env.OPENCLAW_GATEWAY_TOKEN === process.argv[1] ? "SAME" + "-TOKEN" : "other")); process.exit(4)';
    const r = await runCli(['exec', 'gateway/gw1', '--', 'node', '-e', probe, token], env);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('/home/node/.openclaw SAME-TOKEN');
    const audit = await runCli(['audit', 'list', '--target', 'Gateway/gw1', '-o', 'json', '--limit', '1000'], env);
    expect(audit.stdout).toContain('gateway.exec');
    expect(audit.stdout).not.toContain(token);
    expect(audit.stdout).not.toContain('SAME-TOKEN');
  });

  it('destroy removes the container and its state volume (archived)', async () => {
    const res = await runCli(['destroy', 'gateway/gw1'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/archived to .*\.tar\.gz/);
    await waitFor('container gone', 60_000, async () => (await ours()).length === 0);
    expect((await docker.listVolumes({ filters: { label: [`clawplane.dev/org=${org}`] } })).Volumes ?? []).toEqual([]);
  });
});
