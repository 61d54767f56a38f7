// Rollouts on the DOCKER target end to end, through the real CLI and a real control plane: two
// docker gateways on 2026.9.5 → a rolling runtime upgrade to 2026.9.6 (approval, pre-upgrade backups
// made inside the containers onto the host, doctor gate) → Succeeded with the containers recreated
// on the 2026.9.6 image → a downgrade back to 2026.9.5 with `--restore-backup` (state volumes
// restored from the archives by a one-shot container; 2026.9.5 refuses 2026.9.6's state) →
// Succeeded and ready. In between, the same downgrade of one gateway without `--restore-backup`
// fails its gate and is rolled back to 2026.9.6 automatically. Needs Docker Engine and the images localhost/openclaw:2026.9.5 and :2026.9.6
// (`node scripts/run.mjs images`); skips with the reason when either is missing.
// Run under the shared lock: flock /tmp/clawplane-heavy.lock node scripts/run.mjs vitest run test/e2e/docker-rollout.test.ts
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient, pingEngine } from '../../src/runtimes/docker/docker-client.ts';
import { type ServerProcess, freePort, runCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, api, gatewayView, waitFor } from '../helpers/e2e.ts';

const HOST = process.env.CLAWPLANE_DOCKER_HOST ?? 'unix:///var/run/docker.sock';
const FROM = '2026.9.5';
const TO = '2026.9.6';
const GATEWAYS = ['gw-a', 'gw-b'];
const docker = createDockerClient(HOST);
const engineUp = await pingEngine(docker);
const missing: string[] = [];
if (engineUp) {
  for (const v of [FROM, TO]) {
    if (!(await docker.getImage(`localhost/openclaw:${v}`).inspect().then(() => true, () => false))) missing.push(`localhost/openclaw:${v}`);
  }
}
const skipReason = !engineUp
  ? `SKIPPED: no Docker Engine answers at ${HOST} (bash .ci/container-runtimes.sh up)`
  : missing.length > 0 ? `SKIPPED: image(s) ${missing.join(', ')} missing (node scripts/run.mjs images)` : '';
const org = `dr${Math.floor(Math.random() * 1e6)}`;

interface Entry { name: string; state: string; from: number; revision?: number; backup?: string; restoreFrom?: string; restored?: boolean; message?: string; gates?: { gate: string; ok: boolean; message?: string }[] }
interface RolloutView { status: { phase: string; reason?: string; gateways: Entry[] } }

function fleet(ports: number[]): string {
  const docs = [`apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: ${org} }
spec: { displayName: Docker rollouts, defaults: { runtime: { kind: openclaw, version: "${FROM}" } } }`];
  GATEWAYS.forEach((g, i) => {
    docs.push(`kind: Gateway
metadata: { name: ${g}, labels: { tier: web } }
spec: { profile: usecase, port: ${ports[i]}, target: { kind: docker, image: "localhost/openclaw:{version}" }, resources: { memoryMiB: 1536 } }`);
    docs.push(`kind: Agent
metadata: { name: helper-${g}, gateway: ${g} }
spec: { kind: usecase, purpose: Helps, model: anthropic/claude-sonnet-4-6 }`);
  });
  return `${docs.join('\n---\n')}\n`;
}

/** The gateway containers of this test's org (not one-shot task containers). */
async function gatewayContainers(): Promise<{ gateway: string; image: string }[]> {
  const list = await docker.listContainers({ all: true, filters: { label: ['clawplane.dev/managed=true', `clawplane.dev/org=${org}`, 'clawplane.dev/id'] } });
  return list.map((c) => ({ gateway: c.Labels['clawplane.dev/gateway'] ?? '', image: c.Image })).sort((a, b) => a.gateway.localeCompare(b.gateway));
}

describe.skipIf(skipReason !== '')(`rollouts on the docker target end to end${skipReason ? ` — ${skipReason}` : ''}`, () => {
  let dir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  const views = GATEWAYS.map((g) => gatewayView(() => server, () => dir, org, g));
  const all = async (pred: (g: Awaited<ReturnType<(typeof views)[number]['get']>>) => boolean): Promise<boolean> => {
    for (const v of views) if (!(await v.ready(pred)())) return false;
    return true;
  };
  const versionOf = (g: { status?: unknown }) => (g.status as { runtimeVersion?: string } | undefined)?.runtimeVersion;
  const rollout = (name: string): Promise<RolloutView> => api<RolloutView>(server.url, server.token, 'GET', `/v1/orgs/${org}/rollouts/${name}`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-docker-rollout-'));
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR, CLAWPLANE_DOCKER_HOST: HOST } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
    const ports = [await freePort(), await freePort()];
    await writeFile(join(dir, 'fleet.yaml'), fleet(ports));
    const applied = await runCli(['apply', '-f', join(dir, 'fleet.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    await waitFor(`2 docker gateways ready on ${FROM}, revision 1`, 180_000, () => all((g) => g.status?.revision === 1));
  }, 240_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    const ours = await docker.listContainers({ all: true, filters: { label: ['clawplane.dev/managed=true', `clawplane.dev/org=${org}`] } }).catch(() => []);
    for (const c of ours) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    const vols = await docker.listVolumes({ filters: { label: [`clawplane.dev/org=${org}`] } }).catch(() => ({ Volumes: [] }));
    for (const v of vols.Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it(`upgrades ${FROM} → ${TO} (rolling): backups on the host, doctor gate, containers on the new image`, async () => {
    expect((await gatewayContainers()).map((c) => c.image)).toEqual([`localhost/openclaw:${FROM}`, `localhost/openclaw:${FROM}`]);
    // Rolling, both in one wave (a canary's sequential waves would double the time; canary ordering is covered by test/e2e/rollouts.test.ts).
    const started = await runCli(['rollout', 'start', 'up', '--runtime-version', TO, '-l', 'tier=web', '--strategy', 'rolling', '--max-unavailable', '2', '--doctor', 'error'], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('AwaitingApproval');
    const approved = await runCli(['rollout', 'approve', 'up'], env);
    expect(approved.code, approved.stderr).toBe(0);
    const watched = await runCli(['rollout', 'status', 'up', '-w'], env, undefined, 240_000);
    expect(watched.code, `${watched.stdout}\n${watched.stderr}`).toBe(0);
    expect(watched.stdout).toMatch(/rollout\/up: Succeeded/);
    const r = await rollout('up');
    for (const e of r.status.gateways) {
      expect(e.state).toBe('succeeded');
      // Made by `openclaw backup create` inside the container, onto the host's backup dir.
      expect(e.backup?.startsWith(join(dir, 'backups', `${org}--${e.name}`)), `backup of ${e.name}: ${e.backup}`).toBe(true);
      expect(existsSync(e.backup!), e.backup).toBe(true);
      expect(e.gates?.find((g) => g.gate === 'doctor'), JSON.stringify(e.gates)).toMatchObject({ ok: true });
      expect(e.gates?.find((g) => g.gate === 'version')).toMatchObject({ ok: true });
    }
    await waitFor(`both on ${TO}, revision 2`, 60_000, () => all((g) => g.status?.revision === 2 && versionOf(g) === TO));
    expect((await gatewayContainers()).map((c) => c.image)).toEqual([`localhost/openclaw:${TO}`, `localhost/openclaw:${TO}`]);
    // No one-shot task container left behind.
    expect(await docker.listContainers({ all: true, filters: { label: [`clawplane.dev/org=${org}`, 'clawplane.dev/task-of'] } })).toEqual([]);
  }, 300_000);

  it(`a downgrade to ${FROM} without --restore-backup fails its gate (${FROM} refuses ${TO}'s state) and is rolled back to ${TO}`, async () => {
    const started = await runCli(['rollout', 'start', 'nobackup', '--runtime-version', FROM, '--gateways', 'gw-a', '--strategy', 'all', '--doctor', 'error', '--timeout', '90', '--max-restarts', '1'], env);
    expect(started.code, started.stderr).toBe(0);
    expect((await runCli(['rollout', 'approve', 'nobackup'], env)).code).toBe(0);
    const watched = await runCli(['rollout', 'status', 'nobackup', '-w'], env, undefined, 240_000);
    expect(watched.code, `${watched.stdout}\n${watched.stderr}`).toBe(1);
    expect(watched.stdout).toMatch(/rollout\/nobackup: Failed/);
    const r = await rollout('nobackup');
    // 2026.9.5 exits on 2026.9.6's state: the crash-loop gate catches it.
    expect(r.status.reason).toMatch(/^gateway gw-a: crash loop/);
    expect(r.status.gateways).toEqual([expect.objectContaining({ name: 'gw-a', state: 'rolled-back', from: 2 })]);
    // Back on its known-good revision: the container is recreated on the newer image and serves again.
    await waitFor(`gw-a back on ${TO}, revision 2, ready`, 120_000, views[0]!.ready((g) => g.status?.revision === 2 && versionOf(g) === TO));
    expect((await gatewayContainers()).map((c) => c.image)).toEqual([`localhost/openclaw:${TO}`, `localhost/openclaw:${TO}`]);
    const audit = await runCli(['audit', 'list', '--target', 'Gateway/gw-a'], env);
    expect(audit.stdout).toContain('gateway.rollback');
  }, 300_000);

  it(`downgrades back to ${FROM} with --restore-backup: state volumes restored, ready, doctor-gated`, async () => {
    const started = await runCli(['rollout', 'start', 'back', '--runtime-version', FROM, '-l', 'tier=web', '--strategy', 'all', '--restore-backup', '--doctor', 'error'], env);
    expect(started.code, started.stderr).toBe(0);
    expect((await runCli(['rollout', 'approve', 'back'], env)).code).toBe(0);
    const watched = await runCli(['rollout', 'status', 'back', '-w'], env, undefined, 240_000);
    expect(watched.code, `${watched.stdout}\n${watched.stderr}`).toBe(0);
    const up = await rollout('up');
    for (const e of (await rollout('back')).status.gateways) {
      expect(e).toMatchObject({ state: 'succeeded', restored: true });
      expect(e.restoreFrom).toBe(up.status.gateways.find((g) => g.name === e.name)!.backup);
      expect(e.gates?.find((g) => g.gate === 'doctor')).toMatchObject({ ok: true });
    }
    await waitFor(`both on ${FROM} again`, 60_000, () => all((g) => versionOf(g) === FROM));
    expect((await gatewayContainers()).map((c) => c.image)).toEqual([`localhost/openclaw:${FROM}`, `localhost/openclaw:${FROM}`]);
  }, 300_000);
});
