// RuntimeDriver for Docker Engine and Podman's Docker-compatible API (dockerode, never a shell):
// one hardened container per gateway (see container-spec.ts).
//
// Host side, per gateway id: <dataDir>/docker/<id>/config (rendered config, bind-mounted read-only
// at /etc/openclaw) and record.json (restart counter, the container we stopped on purpose; never
// secrets). State lives on the named volume clawplane-<owner>-<id>-state. Containers and volumes
// carry ownership labels (clawplane.dev/managed, owner, org, gateway, id, spec-hash): a new driver
// instance with the same data dir re-adopts them, and containers of anyone else are never touched.
import { createCappedOutput } from '../../core/capped-output.ts';
import { EXEC_OUTPUT_LIMIT } from '../../core/exec-command.ts';
import { createKeyedLock } from '../../core/keyed-lock.ts';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import type {
  ExecResult, GatewayDeployment, GatewayExitEvent, GatewayStats, LogOptions, ObservedGateway, ObservedPhase, RuntimeDriver,
  RuntimeExecRequest, RuntimeExecResult,
} from '../../core/ports/runtime.ts';
import {
  CONFIG_FILE, CONTAINER_STATE_DIR, type ContainerDefaults, LABEL_ID, LABEL_MANAGED, LABEL_OWNER, LABEL_PORT, LABEL_SPEC_HASH,
  buildContainerSpec, buildExecTaskSpec, buildRestoreTaskSpec, containerEnv, containerName, imageFor, ownerLabels, volumeName,
} from './container-spec.ts';
import { createOutputCollector, frameLines } from './log-frames.ts';

export interface DriverLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DockerDriverOptions extends ContainerDefaults {
  docker: Docker;
  /** Human name of the engine socket, for messages (e.g. unix:///var/run/docker.sock). */
  host?: string;
  dataDir: string;
  /** Owner id (hex); default: created once in <dataDir>/docker/owner.id. */
  owner?: string;
  now?: () => Date;
  log?: DriverLogger;
  /** Pull a missing image (default true; a registry may be unreachable: then the error says how to build it). */
  pullMissing?: boolean;
}

export interface DockerDriver extends RuntimeDriver {
  readonly target: 'docker';
  exec(id: string, req: RuntimeExecRequest): Promise<RuntimeExecResult>;
  backupDir(id: string): Promise<string>;
  restoreState(id: string, archive: string): Promise<void>;
  onExit(listener: (event: GatewayExitEvent) => void): () => void;
  archivePaths(id: string, relPaths: string[], label: string): Promise<string | undefined>;
  execCommand(id: string, command: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  stats(id: string): Promise<GatewayStats>;
  /** Stop watching engine events. Containers keep running. */
  close(): void;
}

interface DockerRecord {
  restarts: number;
  /** `<container id>@<StartedAt>` of a container this driver stopped on purpose. */
  stopped?: string;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Cap of each of stdout and stderr of the runtime's CLI (exec). */
const EXEC_OUTPUT_CAP = 1024 * 1024;
const RESTORE_TIMEOUT_MS = 300_000;
/** The gateway user inside the image (ADR 0008). */
const GATEWAY_UID = 1000;
const OWNER_RE = /^[0-9a-f]{8,64}$/;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function assertId(id: string): void {
  if (!ID_RE.test(id) || id.includes('..')) throw new Error(`invalid gateway id: ${JSON.stringify(id)}`);
}

function statusCode(e: unknown): number | undefined {
  return (e as { statusCode?: number }).statusCode;
}

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim();
}

/** Rendered file path relative to the state dir; refuses absolute paths and `..`. */
export function assertRelPath(rel: string): string {
  const parts = rel.split('/');
  if (rel === '' || rel.startsWith('/') || rel.includes('\\') || rel.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`invalid file path: ${JSON.stringify(rel)}`);
  }
  return rel;
}

async function writeFileAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

/** A tar of files (relative paths) owned by the gateway user, with their parent directories. */
function tarOfFiles(files: [string, string][]): Readable {
  const p = tarPack();
  const dirs = new Set<string>();
  const mtime = new Date();
  for (const [rel] of files) {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of [...dirs].sort()) p.entry({ name: d, type: 'directory', mode: 0o700, uid: 1000, gid: 1000, mtime });
  for (const [rel, content] of files) p.entry({ name: rel, mode: 0o444, uid: 1000, gid: 1000, mtime }, content);
  p.finalize();
  return Readable.from(p);
}

export function createDockerDriver(options: DockerDriverOptions): DockerDriver {
  const { docker } = options;
  const dataDir = normalize(options.dataDir);
  const rootDir = join(dataDir, 'docker');
  const archiveDir = join(dataDir, 'archive');
  /** Same place as the process driver's backups: <dataDir>/backups/<id> (ADR 0013). */
  const backupsRoot = join(dataDir, 'backups');
  const now = options.now ?? (() => new Date());
  const log = options.log;
  const graceMs = options.graceMs ?? 20_000;
  const where = options.host ?? 'the docker engine';
  /** Serialize operations per gateway id. */
  const withLock = createKeyedLock();
  const exitListeners = new Set<(e: GatewayExitEvent) => void>();
  let owner: string | undefined = options.owner;
  let engine: Promise<{ podman: boolean }> | undefined;
  let closed = false;
  let events: { destroy(): void } | undefined;

  if (owner !== undefined && !OWNER_RE.test(owner)) throw new Error(`invalid docker driver owner ${JSON.stringify(owner)}`);

  const paths = (id: string) => {
    assertId(id);
    const root = join(rootDir, id);
    return { root, config: join(root, 'config'), record: join(root, 'record.json') };
  };

  async function ownerId(): Promise<string> {
    if (owner) return owner;
    const file = join(rootDir, 'owner.id');
    try {
      const v = (await readFile(file, 'utf8')).trim();
      if (OWNER_RE.test(v)) return (owner = v);
    } catch {
      // first use
    }
    await mkdir(rootDir, { recursive: true, mode: 0o700 });
    const v = randomBytes(6).toString('hex');
    await writeFile(file, `${v}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    const stored = (await readFile(file, 'utf8')).trim();
    return (owner = OWNER_RE.test(stored) ? stored : v);
  }

  function engineInfo(): Promise<{ podman: boolean }> {
    engine ??= docker.version().then(
      (v) => ({ podman: (v.Components ?? []).some((c) => /podman/i.test(c.Name)) }),
      (e: unknown) => {
        engine = undefined;
        throw new Error(`docker engine at ${where} is not reachable: ${message(e)}`);
      },
    );
    return engine;
  }

  async function readRecord(id: string): Promise<DockerRecord> {
    try {
      const r = JSON.parse(await readFile(paths(id).record, 'utf8')) as Partial<DockerRecord>;
      return { restarts: typeof r.restarts === 'number' ? r.restarts : 0, ...(typeof r.stopped === 'string' ? { stopped: r.stopped } : {}) };
    } catch {
      return { restarts: 0 };
    }
  }

  async function writeRecord(id: string, rec: DockerRecord): Promise<void> {
    await mkdir(paths(id).root, { recursive: true, mode: 0o700 });
    await writeFileAtomic(paths(id).record, `${JSON.stringify(rec)}\n`, 0o600);
  }

  /** Our container for `id`, or undefined. A same-named container without our labels is an error. */
  async function inspect(id: string): Promise<Docker.ContainerInspectInfo | undefined> {
    await engineInfo();
    const o = await ownerId();
    try {
      const info = await docker.getContainer(containerName(o, id)).inspect();
      const labels = info.Config.Labels ?? {};
      if (labels[LABEL_MANAGED] !== 'true' || labels[LABEL_OWNER] !== o || labels[LABEL_ID] !== id) {
        throw new Error(`container ${containerName(o, id)} exists but is not managed by this control plane; not touching it`);
      }
      return info;
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
  }

  async function volumeExists(id: string): Promise<boolean> {
    try {
      await docker.getVolume(volumeName(await ownerId(), id)).inspect();
      return true;
    } catch (e) {
      if (statusCode(e) === 404) return false;
      throw e;
    }
  }

  function phaseOf(info: Docker.ContainerInspectInfo, rec: DockerRecord): ObservedPhase {
    const st = info.State;
    if (st.Restarting) return 'starting';
    if (st.Running) return 'running';
    if (st.Status === 'created') return 'stopped';
    return rec.stopped === `${info.Id}@${st.StartedAt}` ? 'stopped' : 'exited';
  }

  function observed(id: string, info: Docker.ContainerInspectInfo, rec: DockerRecord): ObservedGateway {
    const phase = phaseOf(info, rec);
    const labels = info.Config.Labels ?? {};
    const port = Number(labels[LABEL_PORT]);
    const up = phase === 'running' || phase === 'starting';
    return {
      id, phase,
      ...(up && info.State.Pid > 0 ? { pid: info.State.Pid } : {}),
      ...(labels[LABEL_SPEC_HASH] ? { specHash: labels[LABEL_SPEC_HASH] } : {}),
      ...(info.State.StartedAt && !info.State.StartedAt.startsWith('0001-') ? { startedAt: new Date(info.State.StartedAt).toISOString() } : {}),
      ...(phase === 'exited' || phase === 'stopped' ? { exitCode: info.State.ExitCode } : {}),
      restarts: rec.restarts,
      ...(Number.isInteger(port) && port > 0 ? { port } : {}),
    };
  }

  async function observeInner(id: string): Promise<ObservedGateway> {
    const info = await inspect(id);
    const rec = await readRecord(id);
    if (info) return observed(id, info, rec);
    if (existsSync(paths(id).root) || (await volumeExists(id))) return { id, phase: 'stopped', restarts: rec.restarts };
    return { id, phase: 'missing' };
  }

  async function stopInner(id: string, grace: number, hard: boolean): Promise<void> {
    const info = await inspect(id);
    if (!info) return;
    const rec = await readRecord(id);
    if (info.State.Running || info.State.Restarting) {
      const c = docker.getContainer(info.Id);
      if (hard) {
        log?.info({ id }, 'killing gateway container (SIGKILL)');
        await c.kill({ signal: 'SIGKILL' }).catch((e: unknown) => { if (statusCode(e) !== 409 && statusCode(e) !== 304) throw e; });
        await c.wait({ condition: 'not-running' }).catch(() => undefined);
      } else {
        log?.info({ id, graceMs: grace }, 'stopping gateway container');
        await c.stop({ t: Math.max(1, Math.ceil(grace / 1000)) }).catch((e: unknown) => { if (statusCode(e) !== 304) throw e; });
      }
    } else if (rec.stopped !== undefined) {
      return;
    }
    const after = await docker.getContainer(info.Id).inspect();
    await writeRecord(id, { ...rec, stopped: `${after.Id}@${after.State.StartedAt}` });
  }

  function splitFiles(d: GatewayDeployment): { config: [string, string][]; state: [string, string][] } {
    const config: [string, string][] = [];
    const state: [string, string][] = [];
    for (const [rel, content] of Object.entries(d.files)) (rel === CONFIG_FILE ? config : state).push([assertRelPath(rel), content]);
    return { config, state };
  }

  async function writeConfigFiles(d: GatewayDeployment): Promise<void> {
    const p = paths(d.id);
    await mkdir(p.root, { recursive: true, mode: 0o700 });
    // Readable by the gateway user (uid 1000) through the read-only bind mount.
    await mkdir(p.config, { recursive: true, mode: 0o755 });
    await chmod(p.config, 0o755);
    for (const [rel, content] of splitFiles(d).config) await writeFileAtomic(join(p.config, rel), content, 0o444);
  }

  async function putStateFiles(containerId: string, d: GatewayDeployment): Promise<void> {
    const files = splitFiles(d).state;
    if (files.length === 0) return;
    await docker.getContainer(containerId).putArchive(tarOfFiles(files), { path: CONTAINER_STATE_DIR });
  }

  async function ensureImage(image: string): Promise<void> {
    try {
      await docker.getImage(image).inspect();
      return;
    } catch (e) {
      if (statusCode(e) !== 404) throw e;
    }
    const hint = image.startsWith('localhost/openclaw:')
      ? `build it with \`clawplane runtime image build openclaw@${image.slice('localhost/openclaw:'.length)} --engine ${(await engineInfo()).podman ? 'podman' : 'docker'}\``
      : 'pull it into the engine, or set the Gateway spec.target.image (e.g. localhost/openclaw:{version}, built by `clawplane runtime image build`)';
    if (options.pullMissing === false) throw new Error(`image ${image} is not in ${where}: ${hint}`);
    try {
      log?.info({ image }, 'pulling gateway image');
      const stream = await docker.pull(image);
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
          const failed = out.find((o) => o.error);
          if (err ?? failed) reject(err ?? new Error(failed?.error));
          else resolve();
        });
      });
    } catch (e) {
      throw new Error(`image ${image} is not in ${where} and pulling it failed (${message(e)}): ${hint}`);
    }
  }

  async function ensureVolume(id: string, d: GatewayDeployment): Promise<void> {
    if (await volumeExists(id)) return;
    await docker.createVolume({ Name: volumeName(await ownerId(), id), Labels: ownerLabels(await ownerId(), d) });
  }

  /**
   * <dataDir>/backups/<id>, writable by the gateway user (uid 1000): bind-mounted at the same path
   * into the gateway and its task containers, so archive paths printed inside are host paths.
   */
  async function ensureBackupDir(id: string): Promise<string> {
    assertId(id);
    const dir = join(backupsRoot, id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const uid = process.getuid?.();
    if (uid === 0) await chown(dir, GATEWAY_UID, GATEWAY_UID);
    // Not root (e.g. in the docker group): the gateway user may create archives, nobody may list them.
    else if (uid !== GATEWAY_UID) await chmod(dir, 0o1733);
    return dir;
  }

  /** Runs a one-shot task container to its end (killed at the timeout), then removes it. */
  async function runTask(spec: ContainerCreateOptions, timeoutMs: number): Promise<RuntimeExecResult> {
    const c = await docker.createContainer(spec);
    try {
      await c.start();
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        c.wait().then((r: { StatusCode?: number }) => r.StatusCode ?? null),
        new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); }),
      ]).finally(() => clearTimeout(timer));
      const timedOut = waited === 'timeout';
      if (timedOut) {
        await c.kill({ signal: 'SIGKILL' }).catch(() => undefined);
        await c.wait().catch(() => undefined);
      }
      const col = createOutputCollector(EXEC_OUTPUT_CAP);
      const logs = await c.logs({ stdout: true, stderr: true, follow: false });
      col.push(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)));
      const out = col.result();
      return { code: timedOut ? null : (waited as number | null), stdout: out.stdout, stderr: out.stderr, timedOut };
    } finally {
      await c.remove({ force: true, v: false }).catch((e: unknown) => log?.warn({ name: spec.name, err: message(e) }, 'removing a task container failed'));
    }
  }

  /** The Engine API has no "kill exec": kill its process by host pid (the engine runs on this host, ADR 0008). */
  async function killExec(ex: { inspect(): Promise<{ Pid?: number }> }): Promise<void> {
    const pid = (await ex.inspect().catch(() => undefined))?.Pid;
    try {
      if (pid && pid > 0) process.kill(pid, 'SIGKILL');
    } catch (e) {
      log?.warn({ pid, err: message(e) }, 'killing a timed-out exec failed');
    }
  }

  /** `docker exec` of `cmd` in the running gateway container; output capped; killed at the timeout. */
  async function execIn(containerId: string, cmd: string[], env: string[], timeoutMs: number): Promise<RuntimeExecResult> {
    const ex = await docker.getContainer(containerId).exec({ Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true, User: `${GATEWAY_UID}:${GATEWAY_UID}`, WorkingDir: '/home/node' });
    const stream = await ex.start({ hijack: true, stdin: false });
    const col = createOutputCollector(EXEC_OUTPUT_CAP);
    stream.on('data', (c: Buffer) => col.push(c));
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timedOut = true;
        resolve();
      }, timeoutMs);
      const done = () => { clearTimeout(t); resolve(); };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
    if (timedOut) {
      await killExec(ex);
      stream.destroy();
    }
    const code = timedOut ? null : await execExitCode(ex, 40);
    const out = col.result();
    return { code, stdout: out.stdout, stderr: out.stderr + (timedOut ? `\n(timed out after ${timeoutMs} ms)` : ''), timedOut };
  }

  async function startInner(d: GatewayDeployment): Promise<ObservedGateway> {
    assertId(d.id);
    if (d.runtime.kind !== 'openclaw') throw new Error(`docker driver runs openclaw only, not ${d.runtime.kind}`);
    const { podman } = await engineInfo();
    const o = await ownerId();
    const info = await inspect(d.id);
    const rec = await readRecord(d.id);
    if (info && (info.State.Running || info.State.Restarting) && info.Config.Labels?.[LABEL_SPEC_HASH] === d.specHash) {
      return observed(d.id, info, rec);
    }
    const spec = buildContainerSpec(d, { owner: o, configDir: paths(d.id).config, defaults: { ...options, graceMs, logRotation: !podman }, backupDir: await ensureBackupDir(d.id) });
    await ensureImage(imageFor(d, options));
    if (info) {
      if (info.State.Running) log?.info({ id: d.id, from: info.Config.Labels?.[LABEL_SPEC_HASH], to: d.specHash }, 'spec changed: recreating gateway container');
      await stopInner(d.id, graceMs, false);
      await docker.getContainer(info.Id).remove({ force: true, v: false });
    }
    await writeConfigFiles(d);
    await ensureVolume(d.id, d);
    const container = await docker.createContainer(spec);
    const everStarted = info !== undefined && !info.State.StartedAt.startsWith('0001-');
    const next: DockerRecord = { restarts: everStarted ? rec.restarts + 1 : rec.restarts };
    await writeRecord(d.id, next);
    await container.start();
    await putStateFiles(container.id, d);
    log?.info({ id: d.id, image: spec.Image, port: d.port, version: d.runtime.version, envNames: Object.keys(d.env) }, 'gateway container started');
    return observed(d.id, await container.inspect(), next);
  }

  async function archiveTo(name: string, entries: { src: NodeJS.ReadableStream; prefix: string }[]): Promise<string> {
    await mkdir(archiveDir, { recursive: true, mode: 0o700 });
    const stamp = now().toISOString().replace(/[:.]/g, '-');
    const file = join(archiveDir, `${name}-${stamp}.tar.gz`);
    const out = tarPack();
    const writing = pipeline(out, createGzip(), createWriteStream(file, { mode: 0o600 }));
    for (const { src, prefix } of entries) {
      const ex = tarExtract();
      ex.on('entry', (header, stream, next) => {
        const entry = out.entry({ ...header, name: `${prefix}${header.name.split('/').slice(1).join('/')}`.replace(/\/$/, '') || prefix.replace(/\/$/, '') }, (err) => next(err));
        stream.pipe(entry);
      });
      await pipeline(src, ex);
    }
    out.finalize();
    await writing;
    return file;
  }

  async function* logsImpl(id: string, opts: LogOptions): AsyncGenerator<string> {
    const info = await inspect(id);
    if (!info) return;
    const c = docker.getContainer(info.Id);
    const base = { stdout: true, stderr: true, timestamps: false, ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}) };
    if (!opts.follow) {
      const buf = await c.logs({ ...base, follow: false });
      yield* frameLines([Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf))]);
      return;
    }
    const stream = await c.logs({ ...base, follow: true });
    const onAbort = () => (stream as unknown as { destroy(): void }).destroy();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (opts.signal?.aborted) return;
      yield* frameLines(stream as unknown as AsyncIterable<Buffer>);
    } catch (e) {
      if (!opts.signal?.aborted) throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      onAbort();
    }
  }

  function watchEvents(): void {
    if (events || closed || exitListeners.size === 0) return;
    void (async () => {
      const o = await ownerId();
      const stream = (await docker.getEvents({ filters: { type: ['container'], label: [`${LABEL_MANAGED}=true`, `${LABEL_OWNER}=${o}`] } })) as unknown as NodeJS.ReadableStream & { destroy(): void };
      if (closed) {
        stream.destroy();
        return;
      }
      events = stream;
      let buf = '';
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          try {
            const ev = JSON.parse(line) as { Action?: string; status?: string; time?: number; Actor?: { Attributes?: Record<string, string> } };
            const action = ev.Action ?? ev.status;
            if (action !== 'die' && action !== 'died') continue;
            const attrs = ev.Actor?.Attributes ?? {};
            const id = attrs[LABEL_ID];
            if (!id || attrs[LABEL_OWNER] !== o) continue;
            const code = attrs.exitCode !== undefined ? Number(attrs.exitCode) : null;
            const event: GatewayExitEvent = { id, exitCode: Number.isFinite(code) ? code : null, signal: null, at: now().toISOString() };
            log?.info({ id, exitCode: event.exitCode }, 'gateway container exited');
            for (const l of exitListeners) {
              try {
                l(event);
              } catch (err) {
                log?.error({ id, err: String(err) }, 'exit listener failed');
              }
            }
          } catch {
            // not an event line
          }
        }
      });
      const again = () => {
        if (events === stream) events = undefined;
        if (!closed) setTimeout(watchEvents, 1000).unref();
      };
      stream.on('end', again);
      stream.on('error', again);
    })().catch((e: unknown) => {
      log?.warn({ err: message(e) }, 'watching docker events failed; retrying');
      if (!closed) setTimeout(watchEvents, 2000).unref();
    });
  }

  const driver: DockerDriver = {
    target: 'docker',

    observe: (id) => observeInner(id),

    async observeAll() {
      // No gateway ever ran on docker from this data dir: nothing to adopt (and no engine needed).
      if (!existsSync(rootDir)) return [];
      await engineInfo();
      const o = await ownerId();
      const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_OWNER}=${o}`] } });
      const ids = [...new Set(list.map((c) => c.Labels[LABEL_ID]).filter((x): x is string => typeof x === 'string' && ID_RE.test(x)))].sort();
      const out: ObservedGateway[] = [];
      for (const id of ids) out.push(await observeInner(id));
      return out;
    },

    start: (d) => withLock(d.id, () => startInner(d)),

    writeFiles(d) {
      return withLock(d.id, async () => {
        await writeConfigFiles(d);
        const info = await inspect(d.id);
        if (info?.State.Running) await putStateFiles(info.Id, d);
      });
    },

    stop: (id, opts) => withLock(id, () => stopInner(id, opts?.graceMs ?? graceMs, false)),

    kill: (id) => withLock(id, () => stopInner(id, 0, true)),

    remove(id, opts) {
      return withLock(id, async () => {
        const info = await inspect(id);
        const hasVolume = await volumeExists(id);
        if (!info && !hasVolume && !existsSync(paths(id).root)) return {};
        let archive: string | undefined;
        if (info) {
          await stopInner(id, graceMs, false);
          if (opts?.archive ?? true) {
            const tar = await docker.getContainer(info.Id).getArchive({ path: CONTAINER_STATE_DIR });
            archive = await archiveTo(id, [{ src: tar, prefix: 'state/' }]);
          }
          await docker.getContainer(info.Id).remove({ force: true, v: false });
        } else if (hasVolume && (opts?.archive ?? true)) {
          log?.warn({ id }, 'state volume without a container: removed without an archive');
        }
        if (hasVolume) await docker.getVolume(volumeName(await ownerId(), id)).remove();
        await rm(paths(id).root, { recursive: true, force: true });
        log?.info({ id, archive }, 'gateway container removed');
        return archive ? { archive } : {};
      });
    },

    archivePaths(id, relPaths, label) {
      return withLock(id, async () => {
        if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(label)) throw new Error(`invalid archive label "${label}"`);
        const info = await inspect(id);
        if (!info) return undefined;
        const c = docker.getContainer(info.Id);
        const present: { rel: string; src: NodeJS.ReadableStream }[] = [];
        for (const rel of relPaths.map(assertRelPath)) {
          try {
            present.push({ rel, src: await c.getArchive({ path: `${CONTAINER_STATE_DIR}/${rel}` }) });
          } catch (e) {
            if (statusCode(e) !== 404) throw e;
          }
        }
        if (present.length === 0) return undefined;
        const archive = await archiveTo(`${id}--${label}`, present.map((p) => ({ src: p.src, prefix: `${p.rel}/` })));
        if (info.State.Running) {
          const r = await driver.execCommand(id, ['rm', '-rf', '--', ...present.map((p) => `${CONTAINER_STATE_DIR}/${p.rel}`)]);
          if (r.exitCode !== 0) throw new Error(`removing archived paths failed: ${r.stderr.slice(0, 200)}`);
        } else {
          log?.warn({ id }, 'gateway container is not running: archived paths were not deleted');
        }
        log?.info({ id, archive, paths: present.map((p) => p.rel) }, 'state archived');
        return archive;
      });
    },

    async readConfig(id) {
      try {
        return await readFile(join(paths(id).config, CONFIG_FILE), 'utf8');
      } catch {
        return undefined;
      }
    },

    logs: (id, opts) => logsImpl(id, opts ?? {}),

    async stats(id) {
      const info = await inspect(id);
      const rec = await readRecord(id);
      if (!info?.State.Running) return { restarts: rec.restarts };
      const s = (await docker.getContainer(info.Id).stats({ stream: false })) as unknown as {
        cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
        precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
        memory_stats?: { usage?: number; stats?: Record<string, number> };
        pids_stats?: { current?: number };
      };
      const cpu = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
      const sys = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
      const cpus = s.cpu_stats?.online_cpus ?? s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 1;
      const usage = s.memory_stats?.usage;
      const cache = s.memory_stats?.stats?.total_inactive_file ?? s.memory_stats?.stats?.inactive_file ?? s.memory_stats?.stats?.cache ?? 0;
      return {
        ...(sys > 0 && cpu >= 0 ? { cpuPercent: (cpu / sys) * cpus * 100 } : {}),
        ...(usage !== undefined ? { memoryBytes: Math.max(0, usage - cache) } : {}),
        ...(s.pids_stats?.current !== undefined ? { pids: s.pids_stats.current } : {}),
        restarts: rec.restarts,
      };
    },

    async execCommand(id, command, opts) {
      if (command.length === 0 || command.some((a) => typeof a !== 'string' || a.includes('\0'))) throw new Error('exec needs a non-empty argument array');
      const info = await inspect(id);
      if (!info?.State.Running) throw new Error(`gateway ${id} is not running`);
      // cwd = the state dir, as on the process target; the exec inherits the container's env.
      const ex = await docker.getContainer(info.Id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true, User: '1000:1000', WorkingDir: CONTAINER_STATE_DIR });
      const stream = await ex.start({ hijack: true, stdin: false });
      const out = new PassThrough();
      const err = new PassThrough();
      const captured = { out: createCappedOutput(EXEC_OUTPUT_LIMIT), err: createCappedOutput(EXEC_OUTPUT_LIMIT) };
      out.on('data', (c: Buffer) => captured.out.push(c));
      err.on('data', (c: Buffer) => captured.err.push(c));
      docker.modem.demuxStream(stream, out, err);
      const timeoutMs = opts?.timeoutMs ?? 60_000;
      let timedOut = false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timedOut = true;
          void killExec(ex).finally(() => {
            stream.destroy();
            resolve();
          });
        }, timeoutMs);
        stream.on('end', () => { clearTimeout(t); resolve(); });
        stream.on('close', () => { clearTimeout(t); resolve(); });
        stream.on('error', () => { clearTimeout(t); resolve(); });
      });
      const exitCode = timedOut ? null : await execExitCode(ex, 20);
      return {
        exitCode, stdout: captured.out.text(),
        stderr: captured.err.text() + (timedOut ? `\n(timed out after ${timeoutMs} ms)` : ''),
        truncated: captured.out.truncated() || captured.err.truncated(), timedOut,
      };
    },

    async exec(id, req) {
      if (req.runtime.kind !== 'openclaw') throw new Error(`docker driver runs openclaw only, not ${req.runtime.kind}`);
      if (req.args.some((a) => typeof a !== 'string' || a.includes('\0'))) throw new Error('exec needs an argument array of strings');
      const { podman } = await engineInfo();
      const o = await ownerId();
      const backupDir = await ensureBackupDir(id);
      const image = imageFor(req, options);
      const info = await inspect(id);
      const env = containerEnv(req, { ...options, graceMs });
      const inside = info?.State.Running === true && info.Config.Image === image && (info.Mounts ?? []).some((m) => m.Destination === backupDir);
      if (inside) {
        const ep = info.Config.Entrypoint as unknown;
        const entry = Array.isArray(ep) ? (ep as string[]) : typeof ep === 'string' && ep ? [ep] : ['openclaw'];
        return execIn(info.Id, [...entry, ...req.args], env, req.timeoutMs);
      }
      // Not running, or another version/image: a one-shot container of the requested image with the
      // gateway's mounts, env and hardening.
      await ensureImage(image);
      const [org = id, gateway = id] = id.split('--');
      const port = Number(info?.Config.Labels?.[LABEL_PORT]);
      const d: GatewayDeployment = {
        id, org, gateway, runtime: req.runtime, port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 18789,
        files: {}, env: req.env, specHash: 'task', ...(req.image ? { image: req.image } : {}),
      };
      const spec = buildExecTaskSpec(d, {
        owner: o, id, suffix: `exec-${randomBytes(4).toString('hex')}`, image, configDir: paths(id).config, backupDir, cmd: req.args,
        defaults: { ...options, graceMs, logRotation: !podman },
      });
      return runTask(spec, req.timeoutMs);
    },

    backupDir: (id) => ensureBackupDir(id),

    async restoreState(id, archive) {
      assertId(id);
      const refuse = () => new Error(`refusing to restore from ${archive}: not a backup of this control plane (${backupsRoot})`);
      if (typeof archive !== 'string' || !isAbsolute(archive) || normalize(archive) !== archive || !archive.startsWith(backupsRoot + sep)) throw refuse();
      let real: string;
      try {
        real = await realpath(archive);
      } catch {
        throw new Error(`backup archive ${archive} does not exist`);
      }
      if (!real.startsWith((await realpath(backupsRoot)) + sep)) throw refuse();
      return withLock(id, async () => {
        const info = await inspect(id);
        if (!info) throw new Error(`gateway ${id} has no container on ${where}: nothing to restore into`);
        await stopInner(id, graceMs, false);
        const [org = id, gateway = id] = id.split('--');
        const spec = buildRestoreTaskSpec({ org, gateway }, { owner: await ownerId(), id, suffix: `restore-${randomBytes(4).toString('hex')}`, image: info.Config.Image, archive: real });
        const r = await runTask(spec, RESTORE_TIMEOUT_MS);
        if (r.code !== 0) {
          throw new Error(`restoring ${archive} into ${id} failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}): ${(r.stderr || r.stdout).trim().slice(0, 300) || 'no output'}`);
        }
        log?.info({ id, archive }, 'state restored from backup');
      });
    },

    endpoint: (_id, port) => ({ host: '127.0.0.1', port }),

    stateDirFor: () => CONTAINER_STATE_DIR,

    onExit(listener) {
      exitListeners.add(listener);
      watchEvents();
      return () => exitListeners.delete(listener);
    },

    close() {
      closed = true;
      events?.destroy();
      events = undefined;
    },
  };
  return driver;
}

/** The exit code of a finished exec, polled briefly (the output stream can end before the Engine records the exit). */
async function execExitCode(ex: { inspect(): Promise<{ Running: boolean; ExitCode?: number | null }> }, tries: number): Promise<number | null> {
  for (let i = 0; i < tries; i++) {
    const st = await ex.inspect();
    if (!st.Running) return st.ExitCode ?? null;
    await sleep(50);
  }
  return null;
}
