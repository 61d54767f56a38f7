// The docker RuntimeDriver with a REAL OpenClaw gateway container, against Docker Engine and against
// Podman's Docker-compatible socket: the shared conformance suite plus docker-specific checks
// (hardening, labels, secrets only in the env, exec, stats, foreign containers untouched).
// Needs the engines (`bash .ci/container-runtimes.sh up`) and the image
// (`clawplane runtime image build openclaw@2026.9.6 --engine all`); skips when no socket answers.
// Run under the shared lock: flock /tmp/clawplane-heavy.lock node scripts/run.mjs vitest run test/integration/docker-runtime.test.ts
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient, pingEngine } from '../../src/runtimes/docker/docker-client.ts';
import { type DockerDriver, createDockerDriver } from '../../src/runtimes/docker/docker-driver.ts';
import { buildOpenClawImage } from '../../src/runtimes/docker/image-build.ts';
import { minimalOpenClawDeployment, randomTestPort, runtimeConformance } from './runtime-conformance.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = '2026.9.6';
const OLD_VERSION = '2026.9.5';
const IMAGE = 'localhost/openclaw:{version}';
const ENGINES = [
  { name: 'Docker Engine', host: process.env.CLAWPLANE_DOCKER_HOST ?? 'unix:///var/run/docker.sock' },
  { name: 'Podman socket', host: process.env.CLAWPLANE_PODMAN_HOST ?? 'unix:///run/podman/podman.sock' },
];

/** The image from the pinned npm install (no-op when an identical one is there). */
async function ensureImage(docker: Docker): Promise<void> {
  await buildOpenClawImage(docker, {
    installDir: join(process.env.CLAWPLANE_RUNTIMES_DIR ?? join(REPO, '.tools', 'runtimes'), 'openclaw', VERSION),
    version: VERSION, nodePath: process.execPath,
  });
}

async function imageExists(docker: Docker, image: string): Promise<boolean> {
  return docker.getImage(image).inspect().then(() => true, () => false);
}

const ports = new Set<number>();
function freshPort(): number {
  for (;;) {
    const p = randomTestPort();
    if ([...ports].every((q) => Math.abs(q - p) >= 200)) {
      ports.add(p);
      return p;
    }
  }
}

for (const engine of ENGINES) {
  const docker = createDockerClient(engine.host);
  const up = await pingEngine(docker);
  if (!up) {
    describe.skip(`docker driver on ${engine.name}: SKIPPED, no engine answers at ${engine.host} (run bash .ci/container-runtimes.sh up)`, () => {
      it('needs a container engine', () => undefined);
    });
    continue;
  }

  runtimeConformance(`docker (${engine.name})`, async () => {
    await ensureImage(docker);
    const dataDir = await mkdtemp(join(tmpdir(), 'clawplane-docker-conf-'));
    const opts = { docker, host: engine.host, dataDir, image: IMAGE, skipChannels: true, pullMissing: false, graceMs: 10_000 };
    const driver = createDockerDriver(opts);
    const others: DockerDriver[] = [];
    return {
      driver,
      crash: async (id) => {
        // Outside the driver: the engine kills the container's processes.
        const [c] = await docker.listContainers({ filters: { label: [`clawplane.dev/id=${id}`] } });
        if (c) await docker.getContainer(c.Id).kill({ signal: 'SIGKILL' });
      },
      reopen: async () => {
        const second = createDockerDriver(opts);
        others.push(second);
        return second;
      },
      cleanup: async () => {
        driver.close();
        for (const d of others) d.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }, { version: VERSION, port: freshPort(), readyTimeoutMs: 120_000 });
}

const dockerEngine = ENGINES[0]!;
const docker = createDockerClient(dockerEngine.host);
describe.skipIf(!(await pingEngine(docker)))('docker driver specifics (Docker Engine)', () => {
  let dataDir: string;
  let driver: DockerDriver;
  const id = `acme--gw-${randomBytes(3).toString('hex')}`;
  const token = randomBytes(24).toString('hex');
  const port = freshPort();
  let foreign: Docker.Container | undefined;

  beforeAll(async () => {
    await ensureImage(docker);
    dataDir = await mkdtemp(join(tmpdir(), 'clawplane-docker-'));
    driver = createDockerDriver({ docker, host: dockerEngine.host, dataDir, image: IMAGE, skipChannels: true, pullMissing: false, graceMs: 10_000 });
    // A container that is not ours, with a clashing-looking name and our id label: never touched.
    foreign = await docker.createContainer({ name: `not-clawplane-${randomBytes(3).toString('hex')}`, Image: `localhost/openclaw:${VERSION}`, Cmd: ['--version'], Labels: { 'clawplane.dev/id': id }, HostConfig: { NetworkMode: 'host' } });
  });

  afterAll(async () => {
    await driver.kill(id).catch(() => undefined);
    await driver.remove(id, { archive: false }).catch(() => undefined);
    driver.close();
    await foreign?.remove({ force: true }).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a hardened container with ownership labels; secrets only in its env', async () => {
    const d = minimalOpenClawDeployment({ id, port, version: VERSION, token, stateDir: driver.stateDirFor(id) });
    const extra = { ...d, files: { ...d.files, 'workspaces/main/IDENTITY.md': '# Identity\n\nName: Main\n' }, resources: { memoryMiB: 1536, cpus: 1.5 } };
    await driver.start(extra);
    const [c] = await docker.listContainers({ filters: { label: [`clawplane.dev/id=${id}`, 'clawplane.dev/managed=true'] } });
    expect(c).toBeDefined();
    const info = await docker.getContainer(c!.Id).inspect();
    const hc = info.HostConfig;
    expect(hc.NetworkMode).toBe('host');
    expect(hc.CapDrop).toEqual(['ALL']);
    expect(hc.SecurityOpt).toContain('no-new-privileges');
    expect(hc.Init).toBe(true);
    expect(hc.ReadonlyRootfs).toBe(true);
    expect(hc.PidsLimit).toBe(1024);
    expect(hc.Memory).toBe(1536 * 1024 * 1024);
    expect(hc.NanoCpus).toBe(1.5e9);
    expect(info.Config.User).toBe('1000:1000');
    expect(info.Config.Labels).toMatchObject({ 'clawplane.dev/managed': 'true', 'clawplane.dev/org': 'acme', 'clawplane.dev/gateway': id.split('--')[1], 'clawplane.dev/spec-hash': d.specHash });
    expect(JSON.stringify(info.Config.Labels)).not.toContain(token);
    const cfgMount = info.Mounts.find((m) => m.Destination === '/etc/openclaw');
    expect(cfgMount?.RW).toBe(false);
    expect(info.Mounts.find((m) => m.Destination === '/home/node/.openclaw')?.Type).toBe('volume');
    expect(info.Config.Env).toContain(`OPENCLAW_GATEWAY_TOKEN=${token}`);
    // Readiness is covered by the conformance suite above; these checks only need it running.
    expect((await driver.observe(id)).phase).toBe('running');
  });

  it('exec runs openclaw inside; rendered workspace files land in the state volume', async () => {
    const v = await driver.execCommand(id, ['openclaw', '--version']);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toContain(VERSION);
    const f = await driver.execCommand(id, ['cat', '/home/node/.openclaw/workspaces/main/IDENTITY.md']);
    expect(f.stdout).toContain('Name: Main');
    const w = await driver.execCommand(id, ['sh', '-c', 'touch /etc/openclaw/x 2>&1; touch /usr/x 2>&1; id -u']);
    expect(w.stdout).toMatch(/Read-only file system[\s\S]*Read-only file system[\s\S]*1000/);
  });

  it('stats report CPU, memory, pids and restarts', async () => {
    const s = await driver.stats(id);
    expect(s.memoryBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(s.pids).toBeGreaterThanOrEqual(1);
    expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(s.restarts).toBe(0);
  });

  it('follows logs until aborted', async () => {
    // Abort as soon as the first line arrives (a fixed short window flaked on a loaded CI machine);
    // the safety timer only bounds a stream that never yields.
    const ac = new AbortController();
    const lines: string[] = [];
    const t = setTimeout(() => ac.abort(), 30_000);
    const started = Date.now();
    for await (const l of driver.logs(id, { tailLines: 5, follow: true, signal: ac.signal })) {
      lines.push(l);
      if (!ac.signal.aborted) ac.abort();
    }
    clearTimeout(t);
    expect(lines.length).toBeGreaterThan(0);
    // The follow stream ended because of the abort, not the safety timer.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('exec runs the runtime CLI inside the running container, or in a one-shot container of another version', async () => {
    const env = { OPENCLAW_GATEWAY_TOKEN: token };
    const inside = await driver.exec(id, { runtime: { kind: 'openclaw', version: VERSION }, args: ['--version'], env, timeoutMs: 60_000 });
    expect(inside, inside.stderr).toMatchObject({ code: 0, timedOut: false });
    expect(inside.stdout).toContain(VERSION);
    const doctor = await driver.exec(id, { runtime: { kind: 'openclaw', version: VERSION }, args: ['doctor', '--json'], env, timeoutMs: 90_000 });
    expect(doctor.stdout).toContain('"findings"');
    if (await imageExists(docker, `localhost/openclaw:${OLD_VERSION}`)) {
      const other = await driver.exec(id, { runtime: { kind: 'openclaw', version: OLD_VERSION }, args: ['--version'], env, timeoutMs: 60_000 });
      expect(other, other.stderr).toMatchObject({ code: 0, timedOut: false });
      expect(other.stdout).toContain(OLD_VERSION);
      // The one-shot container is gone; the gateway kept running.
      expect(await docker.listContainers({ all: true, filters: { label: [`clawplane.dev/task-of=${id}`] } })).toEqual([]);
      expect((await driver.observe(id)).phase).toBe('running');
    }
  });

  it('exec is killed at its timeout, in the container, in a one-shot container and as a diagnostic exec', async () => {
    const env = { OPENCLAW_GATEWAY_TOKEN: token };
    const r = await driver.exec(id, { runtime: { kind: 'openclaw', version: VERSION }, args: ['doctor', '--json'], env, timeoutMs: 300 });
    expect(r).toMatchObject({ code: null, timedOut: true });
    await new Promise((res) => setTimeout(res, 500));
    const ps = await driver.execCommand(id, ['ps', '-o', 'args']);
    expect(ps.stdout).not.toContain('doctor');
    // The diagnostic exec (`clawplane exec`) too: killed, not left running detached.
    const slow = await driver.execCommand(id, ['sh', '-c', 'echo started; exec sleep 37'], { timeoutMs: 500 });
    expect(slow).toMatchObject({ exitCode: null, timedOut: true });
    expect(slow.stdout).toContain('started');
    await new Promise((res) => setTimeout(res, 300));
    expect((await driver.execCommand(id, ['ps', '-o', 'args'])).stdout).not.toContain('sleep 37');
    if (await imageExists(docker, `localhost/openclaw:${OLD_VERSION}`)) {
      const t = await driver.exec(id, { runtime: { kind: 'openclaw', version: OLD_VERSION }, args: ['doctor', '--json'], env, timeoutMs: 300 });
      expect(t).toMatchObject({ code: null, timedOut: true });
      expect(await docker.listContainers({ all: true, filters: { label: [`clawplane.dev/task-of=${id}`] } })).toEqual([]);
    }
  });

  it('backs up into the host backup dir and restores the state volume from the archive', async () => {
    const env = { OPENCLAW_GATEWAY_TOKEN: token };
    const dir = await driver.backupDir(id);
    expect(dir).toBe(join(dataDir, 'backups', id));
    expect((await driver.execCommand(id, ['sh', '-c', 'echo before > /home/node/.openclaw/before-backup.txt'])).exitCode).toBe(0);
    const b = await driver.exec(id, { runtime: { kind: 'openclaw', version: VERSION }, args: ['backup', 'create', '--output', dir, '--json'], env, timeoutMs: 120_000 });
    expect(b.code, b.stderr).toBe(0);
    const archive = (JSON.parse(b.stdout.slice(b.stdout.indexOf('{'))) as { archivePath: string }).archivePath;
    expect(archive.startsWith(`${dir}/`)).toBe(true);
    expect((await stat(archive)).size).toBeGreaterThan(0);
    // Changes after the backup: undone by the restore.
    const mark = await driver.execCommand(id, ['sh', '-c', 'echo after > /home/node/.openclaw/after-backup.txt && rm /home/node/.openclaw/before-backup.txt']);
    expect(mark.exitCode).toBe(0);
    await expect(driver.restoreState(id, '/etc/passwd')).rejects.toThrow(/not a backup of this control plane/);
    await expect(driver.restoreState(id, `${dir}/../../backups/${id}/x.tar.gz`)).rejects.toThrow(/not a backup of this control plane/);
    await driver.restoreState(id, archive);
    expect((await driver.observe(id)).phase).toBe('stopped');
    const d = minimalOpenClawDeployment({ id, port, version: VERSION, token, stateDir: driver.stateDirFor(id) });
    await driver.start({ ...d, files: { ...d.files, 'workspaces/main/IDENTITY.md': '# Identity\n\nName: Main\n' }, resources: { memoryMiB: 1536, cpus: 1.5 } });
    const ls = await driver.execCommand(id, ['ls', '-a', '/home/node/.openclaw']);
    expect(ls.stdout).toContain('before-backup.txt');
    expect(ls.stdout).not.toContain('after-backup.txt');
    expect(ls.stdout).not.toContain('.clawplane-restore');
    expect(await docker.listContainers({ all: true, filters: { label: [`clawplane.dev/task-of=${id}`] } })).toEqual([]);
  });

  it('never lists or touches containers it does not own; remove archives the state volume', async () => {
    expect((await driver.observeAll()).map((o) => o.id)).toEqual([id]);
    const { archive } = await driver.remove(id, { archive: true });
    expect((await stat(archive!)).size).toBeGreaterThan(0);
    expect((await foreign!.inspect()).Id).toBeTruthy();
    expect(await docker.listContainers({ all: true, filters: { label: ['clawplane.dev/managed=true', `clawplane.dev/id=${id}`] } })).toEqual([]);
    expect((await docker.listVolumes({ filters: { label: [`clawplane.dev/id=${id}`] } })).Volumes ?? []).toEqual([]);
  });
});
