// RuntimeDriver for the local host: one detached OpenClaw gateway process per gateway id.
//
// Layout per id: <dataDir>/gateways/<id>/{home,state,logs} plus gateway.json (pid, pgid,
// startedAt, specHash, port, version, restarts — never secrets). Identity of a running gateway
// is its environment: /proc/<pid>/environ must carry OPENCLAW_STATE_DIR=<our state dir>, so a
// recycled pid is never mistaken for our gateway and a new driver instance re-adopts gateways
// started by an earlier one instead of starting duplicates.
import { createKeyedLock } from '../../core/keyed-lock.ts';
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { createCappedOutput } from '../../core/capped-output.ts';
import { EXEC_OUTPUT_LIMIT } from '../../core/exec-command.ts';
import type {
  ExecResult, GatewayDeployment, GatewayExitEvent, GatewayStats, LogOptions, ObservedGateway, RuntimeDriver, RuntimeExecRequest, RuntimeExecResult,
} from '../../core/ports/runtime.ts';
import { readGatewayRecord, writeFileAtomic, writeGatewayRecord, type GatewayRecord } from './gateway-record.ts';
import { DEFAULT_LOG_ROTATION, rotateLogIfNeeded, type LogRotationOptions } from './log-rotation.ts';
import { readLogLines } from './log-reader.ts';
import {
  findProcessesByStateDir, isGatewayProcess, processGroupMembers, readProcEnviron, readProcStat, readUptimeSeconds,
  signalGroup, signalPid,
} from './proc.ts';

/** pino-compatible subset. */
export interface DriverLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ProcessDriverOptions {
  dataDir: string;
  /** Holds `openclaw/<version>/node_modules/openclaw/openclaw.mjs`. */
  runtimesDir: string;
  /** Node 24 binary that runs the gateways (its directory goes first on PATH). */
  nodePath: string;
  now?: () => Date;
  log?: DriverLogger;
  /** Set OPENCLAW_SKIP_CHANNELS=1 (no channel transports; tests). */
  skipChannels?: boolean;
  /** Default SIGTERM → SIGKILL grace for stop(); 20 s. */
  graceMs?: number;
  logRotation?: Partial<LogRotationOptions> & { intervalMs?: number };
  /** PATH tail after the node dir. */
  systemPath?: string;
  /**
   * Host env every gateway gets (e.g. NODE_EXTRA_CA_CERTS, HTTPS_PROXY, NO_PROXY, TZ), chosen by
   * the composition root. Nothing is inherited implicitly. deployment.env and control vars win.
   */
  baseEnv?: Record<string, string>;
}

export type { GatewayExitEvent };

export interface GatewayPaths {
  root: string;
  home: string;
  state: string;
  logs: string;
  logFile: string;
  record: string;
  config: string;
}

export interface ProcessDriver extends RuntimeDriver {
  execCommand(id: string, command: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  exec(id: string, req: RuntimeExecRequest): Promise<RuntimeExecResult>;
  backupDir(id: string): Promise<string>;
  restoreState(id: string, archive: string): Promise<void>;
  archivePaths(id: string, relPaths: string[], label: string): Promise<string | undefined>;
  readonly target: 'process';
  /** Exit notifications for gateways spawned by THIS instance. Returns an unsubscribe function. */
  onExit(listener: (event: GatewayExitEvent) => void): () => void;
  pathsFor(id: string): GatewayPaths;
  /** Stop background timers (log rotation). Gateways keep running. */
  close(): void;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const VERSION_RE = /^[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONFIG_FILE = 'openclaw.json';
const DEFAULT_SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const CLK_TCK = 100;
const PAGE_SIZE = 4096;

export function assertGatewayId(id: string): void {
  if (!ID_RE.test(id) || id.includes('..')) throw new Error(`invalid gateway id: ${JSON.stringify(id)}`);
}

/** Resolve a rendered file path relative to the state dir; refuses absolute paths and `..`. */
export function resolveStateFile(stateDir: string, rel: string): string {
  if (rel === '' || isAbsolute(rel) || rel.includes('\\') || rel.includes('\0')) {
    throw new Error(`invalid file path: ${JSON.stringify(rel)}`);
  }
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new Error(`invalid file path: ${JSON.stringify(rel)}`);
  const full = normalize(join(stateDir, rel));
  if (!full.startsWith(stateDir + sep)) throw new Error(`invalid file path: ${JSON.stringify(rel)}`);
  return full;
}

/** The gateway's environment: a clean base plus deployment.env; control variables always win. */
export function buildGatewayEnv(
  d: Pick<GatewayDeployment, 'env'>, paths: GatewayPaths,
  opts: { nodeDir: string; systemPath?: string; skipChannels?: boolean; baseEnv?: Record<string, string> },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of [...Object.entries(opts.baseEnv ?? {}), ...Object.entries(d.env)]) {
    if (!ENV_NAME_RE.test(k)) throw new Error(`invalid env var name: ${JSON.stringify(k)}`);
    env[k] = v;
  }
  Object.assign(env, {
    PATH: `${opts.nodeDir}:${opts.systemPath ?? DEFAULT_SYSTEM_PATH}`,
    HOME: paths.home,
    OPENCLAW_STATE_DIR: paths.state,
    OPENCLAW_CONFIG_PATH: paths.config,
    OPENCLAW_NO_RESPAWN: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_NO_AUTO_UPDATE: '1',
    OPENCLAW_SUPERVISOR_MODE: 'external',
    OPENCLAW_CONFIG_READONLY: '1',
  });
  if (opts.skipChannels) env.OPENCLAW_SKIP_CHANNELS = '1';
  return env;
}

export function openClawEntry(runtimesDir: string, version: string): string {
  if (!VERSION_RE.test(version)) throw new Error(`invalid runtime version: ${JSON.stringify(version)}`);
  return join(runtimesDir, 'openclaw', version, 'node_modules', 'openclaw', 'openclaw.mjs');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createProcessDriver(options: ProcessDriverOptions): ProcessDriver {
  const dataDir = normalize(options.dataDir);
  const gatewaysDir = join(dataDir, 'gateways');
  const archiveDir = join(dataDir, 'archive');
  const now = options.now ?? (() => new Date());
  const log = options.log;
  const defaultGraceMs = options.graceMs ?? 20_000;
  const rotation: LogRotationOptions = {
    maxBytes: options.logRotation?.maxBytes ?? DEFAULT_LOG_ROTATION.maxBytes,
    maxFiles: options.logRotation?.maxFiles ?? DEFAULT_LOG_ROTATION.maxFiles,
  };
  const exitListeners = new Set<(e: GatewayExitEvent) => void>();
  /** Serialize operations per gateway id. */
  const withLock = createKeyedLock();
  /** Exits seen by this instance, by pid (the record write is queued behind the id lock). */
  const seenExits = new Map<number, GatewayExitEvent>();

  function pathsFor(id: string): GatewayPaths {
    assertGatewayId(id);
    const root = join(gatewaysDir, id);
    const state = join(root, 'state');
    const logs = join(root, 'logs');
    return {
      root, home: join(root, 'home'), state, logs,
      logFile: join(logs, 'gateway.log'), record: join(root, 'gateway.json'), config: join(state, CONFIG_FILE),
    };
  }

  async function ensureDirs(p: GatewayPaths): Promise<void> {
    for (const d of [p.home, p.state, p.logs]) await mkdir(d, { recursive: true, mode: 0o700 });
  }

  async function aliveRecord(p: GatewayPaths): Promise<{ rec?: GatewayRecord; alive: boolean }> {
    const rec = await readGatewayRecord(p.record);
    if (!rec?.pid) return { rec, alive: false };
    return { rec, alive: await isGatewayProcess(rec.pid, p.state) };
  }

  async function observeInner(id: string): Promise<ObservedGateway> {
    const p = pathsFor(id);
    if (!existsSync(p.root)) return { id, phase: 'missing' };
    const { rec, alive } = await aliveRecord(p);
    if (!rec?.pid) return { id, phase: 'stopped', restarts: rec?.restarts ?? 0 };
    const base: Omit<ObservedGateway, 'phase'> = {
      id, pid: rec.pid, specHash: rec.specHash, startedAt: rec.startedAt, restarts: rec.restarts, port: rec.port,
    };
    if (alive) return { ...base, phase: 'running' };
    const exitCode = rec.exitCode ?? seenExits.get(rec.pid)?.exitCode ?? null;
    if (rec.stoppedAt) return { ...base, pid: undefined, phase: 'stopped', exitCode };
    return { ...base, phase: 'exited', exitCode };
  }

  async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await processGroupMembers(pgid)).length === 0) return true;
      if (Date.now() >= deadline) return false;
      await sleep(100);
    }
  }

  async function killStrays(p: GatewayPaths, id: string): Promise<void> {
    const strays = await findProcessesByStateDir(p.state);
    for (const pid of strays) {
      log?.warn({ id, pid }, 'killing stray gateway process of this state dir');
      signalPid(pid, 'SIGKILL');
    }
    if (strays.length > 0) {
      const deadline = Date.now() + 5000;
      while ((await findProcessesByStateDir(p.state)).length > 0 && Date.now() < deadline) await sleep(100);
    }
  }

  async function stopInner(id: string, graceMs: number, hard: boolean): Promise<void> {
    const p = pathsFor(id);
    if (!existsSync(p.root)) return;
    const { rec, alive } = await aliveRecord(p);
    if (rec?.pid && alive) {
      const pgid = rec.pgid ?? rec.pid;
      if (!hard) {
        log?.info({ id, pid: rec.pid, graceMs }, 'stopping gateway (SIGTERM)');
        signalGroup(pgid, 'SIGTERM');
        if (!(await waitGroupGone(pgid, graceMs))) {
          log?.warn({ id, pid: rec.pid }, 'gateway did not stop in time: SIGKILL');
          signalGroup(pgid, 'SIGKILL');
        }
      } else {
        log?.info({ id, pid: rec.pid }, 'killing gateway (SIGKILL)');
        signalGroup(pgid, 'SIGKILL');
      }
      await waitGroupGone(pgid, 10_000);
    }
    await killStrays(p, id);
    if (rec?.pid && !rec.stoppedAt) {
      await writeGatewayRecord(p.record, { ...rec, stoppedAt: now().toISOString() });
    }
  }

  async function writeFilesInner(d: GatewayDeployment): Promise<void> {
    const p = pathsFor(d.id);
    await ensureDirs(p);
    for (const [rel, content] of Object.entries(d.files)) {
      const full = resolveStateFile(p.state, rel);
      await mkdir(dirname(full), { recursive: true, mode: 0o700 });
      // Read-only to the gateway (which also runs with OPENCLAW_CONFIG_READONLY=1).
      await writeFileAtomic(full, content, 0o444);
    }
  }

  function onChildExit(id: string, pid: number, code: number | null, signal: string | null): void {
    const event: GatewayExitEvent = { id, pid, exitCode: code, signal, at: now().toISOString() };
    log?.info({ id, pid, exitCode: code, signal }, 'gateway process exited');
    seenExits.set(pid, event);
    if (seenExits.size > 1000) seenExits.delete(seenExits.keys().next().value as number);
    void withLock(id, async () => {
      const p = pathsFor(id);
      if (!existsSync(p.root)) return;
      const rec = await readGatewayRecord(p.record);
      if (rec?.pid !== pid) return;
      await writeGatewayRecord(p.record, { ...rec, exitedAt: event.at, exitCode: code, exitSignal: signal });
    }).catch((err: unknown) => log?.error({ id, err: String(err) }, 'failed to record gateway exit'));
    for (const l of exitListeners) {
      try {
        l(event);
      } catch (err) {
        log?.error({ id, err: String(err) }, 'exit listener failed');
      }
    }
  }

  async function spawnGateway(d: GatewayDeployment, prev: GatewayRecord | undefined): Promise<void> {
    const p = pathsFor(d.id);
    const entry = openClawEntry(options.runtimesDir, d.runtime.version);
    if (!existsSync(entry)) throw new Error(`runtime openclaw@${d.runtime.version} is not installed (${entry})`);
    if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) throw new Error(`invalid port: ${d.port}`);
    const env = buildGatewayEnv(d, p, {
      nodeDir: dirname(options.nodePath), systemPath: options.systemPath, skipChannels: options.skipChannels,
      baseEnv: options.baseEnv,
    });
    await rotateLogIfNeeded(p.logFile, rotation);
    const fh = await open(p.logFile, 'a', 0o600);
    let pid: number;
    try {
      const child = spawn(
        options.nodePath,
        [entry, 'gateway', 'run', '--port', String(d.port), '--bind', 'loopback'],
        { cwd: p.home, env, detached: true, stdio: ['ignore', fh.fd, fh.fd] },
      );
      pid = await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('spawn', () => {
          if (child.pid === undefined) reject(new Error('spawn returned no pid'));
          else resolve(child.pid);
        });
      });
      child.once('exit', (code, signal) => onChildExit(d.id, pid, code, signal));
      child.unref();
    } finally {
      await fh.close();
    }
    const rec: GatewayRecord = {
      id: d.id, pid, pgid: pid, startedAt: now().toISOString(), specHash: d.specHash, port: d.port,
      version: d.runtime.version, restarts: prev?.pid ? prev.restarts + 1 : (prev?.restarts ?? 0),
    };
    await writeGatewayRecord(p.record, rec);
    log?.info({ id: d.id, pid, port: d.port, version: d.runtime.version, envNames: Object.keys(d.env) }, 'gateway started');
  }

  async function* logsImpl(id: string, opts: LogOptions = {}): AsyncGenerator<string> {
    yield* readLogLines(pathsFor(id).logFile, opts);
  }

  async function groupCpuTicks(pgid: number): Promise<{ ticks: number; rssBytes: number; pids: number }> {
    const members = await processGroupMembers(pgid);
    let ticks = 0;
    let rss = 0;
    for (const m of members) {
      ticks += m.utime + m.stime;
      rss += m.rssPages * PAGE_SIZE;
    }
    return { ticks, rssBytes: rss, pids: members.length };
  }

  const interval = options.logRotation?.intervalMs ?? 30_000;
  const timer = setInterval(() => {
    void (async () => {
      try {
        if (!existsSync(gatewaysDir)) return;
        for (const id of await readdir(gatewaysDir)) {
          if (!ID_RE.test(id) || id.includes('..')) continue;
          await rotateLogIfNeeded(pathsFor(id).logFile, rotation).catch((err: unknown) => {
            log?.warn({ id, err: String(err) }, 'log rotation failed');
          });
        }
      } catch (err) {
        log?.warn({ err: String(err) }, 'log rotation failed');
      }
    })();
  }, interval);
  timer.unref();

  const driver: ProcessDriver = {
    target: 'process',

    observe: (id) => observeInner(id),

    async observeAll() {
      if (!existsSync(gatewaysDir)) return [];
      const ids = (await readdir(gatewaysDir)).filter((e) => ID_RE.test(e) && !e.includes('..')).sort();
      const out: ObservedGateway[] = [];
      for (const id of ids) {
        if ((await stat(join(gatewaysDir, id))).isDirectory()) out.push(await observeInner(id));
      }
      return out;
    },

    start(d) {
      return withLock(d.id, async () => {
        if (d.runtime.kind !== 'openclaw') throw new Error(`process driver runs openclaw only, not ${d.runtime.kind}`);
        openClawEntry(options.runtimesDir, d.runtime.version); // validates the version early
        const p = pathsFor(d.id);
        await ensureDirs(p);
        const { rec, alive } = await aliveRecord(p);
        if (alive && rec?.specHash === d.specHash) return observeInner(d.id);
        if (alive) log?.info({ id: d.id, from: rec?.specHash, to: d.specHash }, 'spec changed: restarting gateway');
        await stopInner(d.id, defaultGraceMs, false);
        await writeFilesInner(d);
        await spawnGateway(d, await readGatewayRecord(p.record));
        return observeInner(d.id);
      });
    },

    writeFiles(d) {
      return withLock(d.id, () => writeFilesInner(d));
    },

    stop(id, opts) {
      return withLock(id, () => stopInner(id, opts?.graceMs ?? defaultGraceMs, false));
    },

    kill(id) {
      return withLock(id, () => stopInner(id, 0, true));
    },

    remove(id, opts) {
      return withLock(id, async () => {
        const p = pathsFor(id);
        if (!existsSync(p.root)) return {};
        await stopInner(id, defaultGraceMs, false);
        let archive: string | undefined;
        if (opts?.archive ?? true) {
          await mkdir(archiveDir, { recursive: true, mode: 0o700 });
          const stamp = now().toISOString().replace(/[:.]/g, '-');
          archive = join(archiveDir, `${id}-${stamp}.tar.gz`);
          await runTar(['-czf', archive, '-C', gatewaysDir, '--', id]);
        }
        await rm(p.root, { recursive: true, force: true });
        log?.info({ id, archive }, 'gateway removed');
        return archive ? { archive } : {};
      });
    },

    archivePaths(id, relPaths, label) {
      return withLock(id, async () => {
        const p = pathsFor(id);
        if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(label)) throw new Error(`invalid archive label "${label}"`);
        const present = relPaths.filter((rel) => existsSync(resolveStateFile(p.state, rel)));
        if (present.length === 0) return undefined;
        await mkdir(archiveDir, { recursive: true, mode: 0o700 });
        const stamp = now().toISOString().replace(/[:.]/g, '-');
        const archive = join(archiveDir, `${id}--${label}-${stamp}.tar.gz`);
        await runTar(['-czf', archive, '-C', p.state, '--', ...present]);
        for (const rel of present) await rm(resolveStateFile(p.state, rel), { recursive: true, force: true });
        log?.info({ id, archive, paths: present }, 'state archived');
        return archive;
      });
    },

    async readConfig(id) {
      try {
        return await readFile(pathsFor(id).config, 'utf8');
      } catch {
        return undefined;
      }
    },

    logs: (id, opts) => logsImpl(id, opts),

    async stats(id): Promise<GatewayStats> {
      const p = pathsFor(id);
      const { rec, alive } = await aliveRecord(p);
      if (!rec?.pid || !alive) return {};
      const pgid = rec.pgid ?? rec.pid;
      const leader = await readProcStat(rec.pid);
      const a = await groupCpuTicks(pgid);
      const up1 = await readUptimeSeconds();
      await sleep(250);
      const b = await groupCpuTicks(pgid);
      const up2 = await readUptimeSeconds();
      const dt = up2 - up1;
      let cpuPercent: number | undefined;
      if (dt > 0) cpuPercent = Math.max(0, ((b.ticks - a.ticks) / CLK_TCK / dt) * 100);
      else if (leader) cpuPercent = ((b.ticks / CLK_TCK) / Math.max(1, up2 - leader.starttime / CLK_TCK)) * 100;
      return { cpuPercent, memoryBytes: b.rssBytes, pids: b.pids };
    },

    endpoint: (_id, port) => ({ host: '127.0.0.1', port }),

    async exec(id, req) {
      const p = pathsFor(id);
      const entry = openClawEntry(options.runtimesDir, req.runtime.version);
      if (!existsSync(entry)) throw new Error(`runtime openclaw@${req.runtime.version} is not installed (${entry})`);
      await ensureDirs(p);
      const env = buildGatewayEnv({ env: req.env }, p, { nodeDir: dirname(options.nodePath), systemPath: options.systemPath, skipChannels: options.skipChannels, baseEnv: options.baseEnv });
      return runCaptured(options.nodePath, [entry, ...req.args], { cwd: p.home, env, timeoutMs: req.timeoutMs });
    },

    // Diagnostic exec: argv (no shell) with the running gateway's own environment (read from
    // /proc/<pid>/environ: HOME, state and config dir, secrets), the runtime's bin dir first on
    // PATH, cwd = the state dir, its own process group killed at the timeout, output capped.
    async execCommand(id, command, opts) {
      if (command.length === 0 || command.some((a) => typeof a !== 'string' || a.includes('\0'))) throw new Error('exec needs a non-empty argument array');
      const p = pathsFor(id);
      const { rec, alive } = await aliveRecord(p);
      if (!rec?.pid || !alive) throw new Error(`gateway ${id} is not running`);
      const env = await readProcEnviron(rec.pid);
      if (!env) throw new Error(`gateway ${id} is not running`);
      const path = env.PATH ?? `${dirname(options.nodePath)}:${options.systemPath ?? DEFAULT_SYSTEM_PATH}`;
      // The runtime's own CLI (`openclaw …`) resolves to the gateway's pinned build.
      env.PATH = rec.version ? `${join(options.runtimesDir, 'openclaw', rec.version, 'node_modules', '.bin')}:${path}` : path;
      const r = await runCaptured(command[0]!, command.slice(1), { cwd: p.state, env, timeoutMs: opts?.timeoutMs ?? 60_000, spawnErrorAsExit: true });
      return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr, truncated: r.truncated, timedOut: r.timedOut };
    },

    async restoreState(id, archive) {
      const p = pathsFor(id);
      if (!isAbsolute(archive) || !archive.startsWith(join(dataDir, 'backups') + sep)) throw new Error(`refusing to restore from ${archive}: not a backup of this control plane`);
      return withLock(id, async () => {
        await stopInner(id, defaultGraceMs, false);
        const stamp = now().toISOString().replace(/[:.]/g, '-');
        const tmp = join(p.root, `restore-${stamp}`);
        await mkdir(tmp, { recursive: true, mode: 0o700 });
        try {
          await runTar(['-xzf', archive, '-C', tmp]);
          // `openclaw backup create` layout: <archiveRoot>/payload/posix/<absolute state dir>/…
          const roots = await readdir(tmp);
          const src = roots.map((r) => join(tmp, r, 'payload', 'posix', p.state)).find((d) => existsSync(d));
          if (!src) throw new Error(`${archive} holds no copy of ${p.state}`);
          const old = join(p.root, `state.before-restore-${stamp}`);
          if (existsSync(p.state)) await rename(p.state, old);
          await rename(src, p.state);
          await rm(old, { recursive: true, force: true });
          log?.info({ id, archive }, 'state restored from backup');
        } finally {
          await rm(tmp, { recursive: true, force: true });
        }
      });
    },

    async backupDir(id) {
      assertGatewayId(id);
      const dir = join(dataDir, 'backups', id);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      return dir;
    },

    stateDirFor: (id) => pathsFor(id).state,

    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },

    pathsFor,

    close() {
      clearInterval(timer);
    },
  };
  return driver;
}

/** Run a command in its own process group, capture (capped) output, kill the group at the timeout. */
function runCaptured(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs: number; spawnErrorAsExit?: boolean }): Promise<RuntimeExecResult & { truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createCappedOutput(EXEC_OUTPUT_LIMIT);
    const err = createCappedOutput(EXEC_OUTPUT_LIMIT);
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // A descendant that left the group could hold the pipes open: answer anyway.
      setTimeout(() => resolve({ code: null, stdout: out.text(), stderr: err.text(), timedOut, truncated: out.truncated() || err.truncated() }), 2000).unref();
    }, opts.timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // Like a shell: a missing program is exit 127, one that cannot be run 126.
      if (opts.spawnErrorAsExit && child.pid === undefined) resolve({ code: e.code === 'ENOENT' ? 127 : 126, stdout: '', stderr: `exec ${cmd}: ${e.code === 'ENOENT' ? 'not found' : e.message}\n`, timedOut: false, truncated: false });
      else reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal && opts.spawnErrorAsExit ? 128 + (osConstants.signals[signal] ?? 0) : null), stdout: out.text(), stderr: err.text(), timedOut, truncated: out.truncated() || err.truncated() });
    });
  });
}

function runTar(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.once('error', reject);
    child.once('exit', (code) => {
      // GNU tar exits 1 when files changed while being read (e.g. sqlite WAL): archive is still written.
      if (code === 0 || code === 1) resolve();
      else reject(new Error(`tar failed (${code}): ${stderr.slice(0, 500)}`));
    });
  });
}
