// Issue 4: time to a ready gateway, raw OpenClaw vs Clawplane. Goal: Clawplane ≤ 1.10 × raw.
// Run: node bench/gateway-ready.ts [--rounds N] (or via npm run bench). Starts real gateways (~1 GB,
// ~12 s each, one at a time): run it under the shared lock, `flock /tmp/clawplane-heavy.lock npm run bench`.
//
// raw:       spawn `node openclaw.mjs gateway run --port P --bind loopback` (isolated HOME / state dir /
//            config, minimal valid config) → first `/readyz` answering JSON {"ready":true} (polled every 100 ms).
// clawplane: a real control plane child process (`serve`), POST /v1/apply of a one-gateway fleet →
//            GET /v1/orgs/bench/gateways/gw shows lifecycle "running" and health.ready (polled every 250 ms).
//            Also recorded, to see where extra time goes: when /v1/apply answered, when the driver
//            spawned the gateway (its gateway.json startedAt) and when the gateway's own /readyz first
//            said ready (polled directly every 100 ms).
// clawplane (warm): the same, but the control plane first answered a dry run of the same fleet
//            (POST /v1/diff), so the OpenClaw JSON Schema (~1.7 MB, compiled lazily, 4-8 s) is already
//            compiled, as in any control plane that has applied something before. Skip with --no-warm.
// clawplane (docker): the warm measurement with the gateway on the docker target (Docker Engine at
//            CLAWPLANE_DOCKER_HOST, image localhost/openclaw:<version> built from the pinned npm install
//            by `clawplane runtime image build`), reported as ratios to raw and to the process target.
//            Skipped with --no-docker or when no engine answers.
// openclaw fleet create (opt-in, --fleet): OpenClaw's own tenant cell on Docker — `openclaw fleet create
//            <tenant> --runtime docker --image localhost/openclaw:<version> --port P` → first /readyz ready,
//            as a ratio next to clawplane (docker). Opt-in because a cell needs a user-defined bridge
//            network and `-p` publishing, which the CI machines' Docker (--bridge=none, --iptables=false)
//            is deliberately run without; the cell is removed with `fleet rm --force --purge-data`.
// Options: --rounds N (default 2), --no-warm, --no-docker, --fleet, --keep-logs DIR (copy logs + rendered configs, no secrets).
// Every process started here lives in its own process group and is found again by its temp dir, so
// nothing outlives the bench.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDockerClient, pingEngine } from '../src/runtimes/docker/docker-client.ts';
import { buildOpenClawImage } from '../src/runtimes/docker/image-build.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const RUNTIMES_DIR = join(REPO, '.tools', 'runtimes');
const CLI = join(REPO, 'src', 'cli', 'main.ts');
const GOAL = 1.1;
const PORT_FROM = 21000;
const PORT_TO = 29999;
const ORG = 'bench';
const GATEWAY = 'gw';
const READY_TIMEOUT_MS = 120_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface GatewayReadyOptions {
  rounds: number;
  /** OpenClaw version; default: the pinned default in openclaw-versions.json. */
  version?: string;
  /** Copy each run's logs (control plane, gateway, rendered config) into this dir before cleanup. */
  keepLogsDir?: string;
  /** Also measure a warm control plane (schema compiled by a dry-run apply first). Default true. */
  warm?: boolean;
  /** Also measure the docker target (warm control plane) when an engine answers. Default true. */
  docker?: boolean;
  /** Also measure `openclaw fleet create` (needs bridge networking). Default false. */
  fleet?: boolean;
  out?: (line: string) => void;
}

export interface RawResult {
  readyMs: number;
}

export interface ClawplaneResult {
  /** apply → status lifecycle running + health.ready (what users see). */
  readyMs: number;
  /** apply → HTTP answer of POST /v1/apply. */
  applyMs: number;
  /** apply → driver spawned the gateway process (gateway.json startedAt). */
  spawnedMs?: number;
  /** apply → the gateway's own /readyz said ready (direct probe). */
  gatewayReadyMs?: number;
}

export function parseKeepLogs(argv: string[]): string | undefined {
  const i = argv.indexOf('--keep-logs');
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Copy the log files and rendered config of a run (never secrets: no .env, no tokens) to `dest`. */
async function keepLogs(root: string, dest: string | undefined): Promise<void> {
  if (!dest) return;
  await mkdir(dest, { recursive: true });
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (/\.log$|^openclaw\.json$|^gateway\.json$/.test(e.name)) {
        await cp(full, join(dest, full.slice(root.length + 1).replaceAll('/', '__')), { force: true }).catch(() => undefined);
      }
    }
  };
  await walk(root);
}

export function parseNoWarm(argv: string[]): boolean {
  return argv.includes('--no-warm');
}

export function parseNoDocker(argv: string[]): boolean {
  return argv.includes('--no-docker');
}

export function parseFleet(argv: string[]): boolean {
  return argv.includes('--fleet');
}

/** Why `openclaw fleet create` cannot run on this engine, or undefined when it may. */
async function fleetBlocker(): Promise<string | undefined> {
  const docker = createDockerClient(DOCKER_HOST);
  if (!(await pingEngine(docker))) return `no engine answers at ${DOCKER_HOST}`;
  const nets = await docker.listNetworks().catch(() => []);
  if (!nets.some((n) => n.Driver === 'bridge')) return 'the engine has no bridge network (dockerd --bridge=none); a fleet cell needs a bridge network and -p publishing';
  return undefined;
}

/** `openclaw fleet create` → the cell's /readyz ready; the cell and its data are removed after. */
export async function runFleet(version: string): Promise<RawResult> {
  const root = await mkdtemp(join(tmpdir(), 'clawplane-bench-fleet-'));
  const tenant = `bench-${randomBytes(4).toString('hex')}`;
  const entry = join(RUNTIMES_DIR, 'openclaw', version, 'node_modules', 'openclaw', 'openclaw.mjs');
  const env = { ...(await rawEnv(root, randomBytes(32).toString('base64url'))), DOCKER_HOST: DOCKER_HOST };
  await mkdir(join(root, 'home'), { recursive: true, mode: 0o700 });
  await mkdir(join(root, 'state'), { recursive: true, mode: 0o700 });
  const fleet = (args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> => new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, 'fleet', ...args], { cwd: join(root, 'home'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => { clearTimeout(t); resolve({ code, out }); });
  });
  try {
    const port = await pickPort();
    const t0 = performance.now();
    const created = await fleet(['create', tenant, '--runtime', 'docker', '--image', `localhost/openclaw:${version}`, '--port', String(port), '--json'], READY_TIMEOUT_MS);
    if (created.code !== 0) throw new Error(`openclaw fleet create exited ${created.code}: ${created.out.replace(/[A-Za-z0-9_-]{32,}/g, '<redacted>').slice(-600)}`);
    for (;;) {
      if (await gatewayReady(port)) return { readyMs: performance.now() - t0 };
      if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`fleet cell not ready after ${READY_TIMEOUT_MS} ms`);
      await sleep(100);
    }
  } finally {
    await fleet(['rm', tenant, '--force', '--purge-data'], 60_000);
    await rm(root, { recursive: true, force: true });
  }
}

const DOCKER_HOST = process.env.CLAWPLANE_DOCKER_HOST ?? 'unix:///var/run/docker.sock';

/** Docker Engine with localhost/openclaw:<version> (built from the pinned npm install if missing), or undefined. */
async function dockerReady(version: string, out: (l: string) => void): Promise<boolean> {
  const docker = createDockerClient(DOCKER_HOST);
  if (!(await pingEngine(docker))) {
    out(`docker: no engine answers at ${DOCKER_HOST}; docker target not measured (bash .ci/container-runtimes.sh up)`);
    return false;
  }
  const r = await buildOpenClawImage(docker, { installDir: join(RUNTIMES_DIR, 'openclaw', version), version, nodePath: process.execPath });
  if (r.built) out(`docker: built ${r.image} in ${r.seconds.toFixed(1)} s`);
  return true;
}

/** Remove the containers and volumes a bench control plane created (its owner id is in its data dir). */
async function removeBenchContainers(dataDir: string): Promise<void> {
  const owner = (await readFile(join(dataDir, 'docker', 'owner.id'), 'utf8').catch(() => '')).trim();
  if (!/^[0-9a-f]{8,64}$/.test(owner)) return;
  const docker = createDockerClient(DOCKER_HOST);
  const label = ['clawplane.dev/managed=true', `clawplane.dev/owner=${owner}`];
  for (const c of await docker.listContainers({ all: true, filters: { label } }).catch(() => [])) {
    await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  const vols = await docker.listVolumes({ filters: { label } }).catch(() => ({ Volumes: [] }));
  for (const v of vols.Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
}

export function parseRounds(argv: string[]): number {
  const i = argv.indexOf('--rounds');
  const eq = argv.find((a) => a.startsWith('--rounds='));
  const raw = eq ? eq.slice('--rounds='.length) : i >= 0 ? argv[i + 1] : undefined;
  if (raw === undefined) return 2;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--rounds ${raw}: expected a positive integer`);
  return n;
}

function pinnedVersion(): Promise<string> {
  return readFile(join(REPO, 'openclaw-versions.json'), 'utf8').then((t) => (JSON.parse(t) as { default: string }).default);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free port in 21000-29999 whose neighbourhood (OpenClaw derives ports up to base+110) is not one
 * we handed out before in this process.
 */
const handedOut: number[] = [];
async function pickPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_FROM + Math.floor(Math.random() * (PORT_TO - 200 - PORT_FROM));
    if (handedOut.some((p) => Math.abs(p - port) < 200)) continue;
    if (!(await portFree(port)) || !(await portFree(port + 2))) continue;
    handedOut.push(port);
    return port;
  }
  throw new Error('no free port in 21000-29999');
}

/** GET url and parse JSON; undefined on any failure (not listening yet, HTML catch-all, …). */
async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
    if (!(res.headers.get('content-type') ?? '').includes('json')) return undefined;
    return await res.json();
  } catch {
    return undefined;
  }
}

async function gatewayReady(port: number): Promise<boolean> {
  const body = await getJson(`http://127.0.0.1:${port}/readyz`);
  return typeof body === 'object' && body !== null && (body as { ready?: unknown }).ready === true;
}

/** Every pid whose command line or environment mentions `marker` (our unique temp dir). */
async function pidsMentioning(marker: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const [cmd, env] = await Promise.all([readFile(`/proc/${pid}/cmdline`, 'utf8'), readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '')]);
      if (cmd.includes(marker) || env.includes(marker)) out.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function pgidOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgid = Number(fields[2]);
    return Number.isInteger(pgid) && pgid > 0 ? pgid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Leave nothing behind that mentions `marker`: SIGTERM the process groups, wait up to `graceMs`,
 * then SIGKILL. Returns how many processes had to be killed.
 */
async function sweep(marker: string, graceMs: number): Promise<number> {
  let pids = await pidsMentioning(marker);
  if (pids.length === 0) return 0;
  const found = pids.length;
  const groups = new Set<number>();
  const loners: number[] = [];
  const ownGroup = await pgidOf(process.pid);
  for (const pid of pids) {
    const pgid = await pgidOf(pid);
    // Never signal our own group (the bench runs in the caller's group). One SIGTERM per process:
    // OpenClaw counts repeated SIGTERMs as a sign of a competing supervisor.
    if (pgid !== undefined && pgid !== ownGroup) groups.add(pgid);
    else loners.push(pid);
  }
  for (const g of groups) killGroup(g, 'SIGTERM');
  for (const pid of loners) killPid(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    pids = await pidsMentioning(marker);
    if (pids.length === 0) return found;
    await sleep(250);
  }
  for (const g of groups) killGroup(g, 'SIGKILL');
  for (const pid of pids) killPid(pid, 'SIGKILL');
  await sleep(500);
  const left = await pidsMentioning(marker);
  if (left.length > 0) throw new Error(`processes left behind after SIGKILL: ${left.join(', ')}`);
  return found;
}

async function nodeDir(): Promise<string> {
  return dirname(await readlink('/proc/self/exe').catch(() => process.execPath));
}

/** Env for a raw gateway: a clean environment, like a supervisor would give it. */
async function rawEnv(root: string, token: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    PATH: `${await nodeDir()}:/usr/local/bin:/usr/bin:/bin`,
    HOME: join(root, 'home'),
    OPENCLAW_STATE_DIR: join(root, 'state'),
    OPENCLAW_CONFIG_PATH: join(root, 'state', 'openclaw.json'),
    OPENCLAW_GATEWAY_TOKEN: token,
    OPENCLAW_NO_RESPAWN: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
  };
  for (const k of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'TZ', 'LANG']) {
    const v = process.env[k];
    if (v) env[k] = v;
  }
  return env;
}

export async function runRaw(version: string, keepLogsDir?: string): Promise<RawResult> {
  const root = await mkdtemp(join(tmpdir(), 'clawplane-bench-raw-'));
  let child: ChildProcess | undefined;
  try {
    const port = await pickPort();
    const state = join(root, 'state');
    await mkdir(join(root, 'home'), { recursive: true, mode: 0o700 });
    await mkdir(join(state, 'logs'), { recursive: true, mode: 0o700 });
    const config = { gateway: { mode: 'local', port, bind: 'loopback', auth: { mode: 'token' } }, logging: { file: join(state, 'logs', 'openclaw.log') } };
    await writeFile(join(state, 'openclaw.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
    const token = randomBytes(32).toString('base64url');
    const entry = join(RUNTIMES_DIR, 'openclaw', version, 'node_modules', 'openclaw', 'openclaw.mjs');
    const env = await rawEnv(root, token);
    const log = openSync(join(state, 'logs', 'stdout.log'), 'a', 0o600);
    const t0 = performance.now();
    try {
      child = spawn(process.execPath, [entry, 'gateway', 'run', '--port', String(port), '--bind', 'loopback'], {
        cwd: join(root, 'home'), env, detached: true, stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    let dead: number | null | undefined;
    void exited.then((c) => (dead = c));
    for (;;) {
      if (await gatewayReady(port)) return { readyMs: performance.now() - t0 };
      if (dead !== undefined) throw new Error(`raw gateway exited with ${dead} before ready; see ${join(state, 'logs')}`);
      if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`raw gateway not ready after ${READY_TIMEOUT_MS} ms`);
      await sleep(100);
    }
  } finally {
    // The gateway is the leader of its own process group (detached); sweep signals that group.
    if (child) child.unref();
    await sweep(root, 20_000);
    await keepLogs(root, keepLogsDir ? join(keepLogsDir, basename(root)) : undefined);
    await rm(root, { recursive: true, force: true });
  }
}

export function fleetYaml(version: string, port: number, target: 'process' | 'docker' = 'process'): string {
  return [
    'apiVersion: clawplane.dev/v1alpha1',
    'kind: Organization',
    `metadata: { name: ${ORG} }`,
    `spec: { displayName: Bench, portRange: { from: ${PORT_FROM}, to: ${PORT_TO} }, defaults: { runtime: { kind: openclaw, version: "${version}" }, target: { kind: ${target}${target === 'docker' ? ', image: "localhost/openclaw:{version}"' : ''} } } }`,
    '---',
    'apiVersion: clawplane.dev/v1alpha1',
    'kind: Gateway',
    `metadata: { name: ${GATEWAY} }`,
    `spec: { profile: usecase, port: ${port}, exposure: loopback }`,
    '---',
    'apiVersion: clawplane.dev/v1alpha1',
    'kind: Agent',
    `metadata: { name: main, gateway: ${GATEWAY} }`,
    'spec: { kind: usecase, model: anthropic/claude-sonnet-4-6 }',
    '',
  ].join('\n');
}

interface GatewayDoc {
  status?: { lifecycle?: string; health?: { ready?: boolean } };
}

async function startedAtMs(dataDir: string): Promise<number | undefined> {
  // The process driver's record: <data>/gateways/<org>--<name>/gateway.json (secret-free).
  const gws = join(dataDir, 'gateways');
  for (const id of await readdir(gws).catch(() => [] as string[])) {
    try {
      const rec = JSON.parse(await readFile(join(gws, id, 'gateway.json'), 'utf8')) as { startedAt?: string };
      if (rec.startedAt) return Date.parse(rec.startedAt);
    } catch {
      // not written yet
    }
  }
  return undefined;
}

/**
 * `warm`: before the clock starts, POST /v1/diff with the same fleet (a dry run: nothing is written),
 * which compiles the OpenClaw JSON Schema in the control plane as any earlier apply would have.
 */
export async function runClawplane(version: string, opts: { keepLogsDir?: string; warm?: boolean; target?: 'process' | 'docker' } = {}): Promise<ClawplaneResult> {
  const target = opts.target ?? 'process';
  const { keepLogsDir } = opts;
  const root = await mkdtemp(join(tmpdir(), 'clawplane-bench-cp-'));
  const dataDir = join(root, 'data');
  const token = `cpt_${randomBytes(32).toString('base64url')}`;
  const auth = { authorization: `Bearer ${token}` };
  let server: ChildProcess | undefined;
  let url = '';
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const port = await pickPort();
    const gwPort = await pickPort();
    url = `http://127.0.0.1:${port}`;
    const log = openSync(join(root, 'server.log'), 'a', 0o600);
    try {
      server = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', String(port)], {
        env: { ...process.env, CLAWPLANE_BOOTSTRAP_TOKEN: token, CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR, CLAWPLANE_LOG_LEVEL: 'info', CLAWPLANE_DOCKER_HOST: DOCKER_HOST },
        detached: true, stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    let serverExit: number | null | undefined;
    server.once('exit', (code) => (serverExit = code));
    const upBy = Date.now() + 60_000;
    while ((await getJson(`${url}/healthz`)) === undefined) {
      if (serverExit !== undefined) throw new Error(`control plane exited with ${serverExit}; see ${join(root, 'server.log')}`);
      if (Date.now() > upBy) throw new Error('control plane did not start in 60 s');
      await sleep(200);
    }
    if (opts.warm) {
      const res = await fetch(`${url}/v1/diff?filename=bench.yaml`, { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body: fleetYaml(version, gwPort, target) });
      if (!res.ok) throw new Error(`POST /v1/diff answered ${res.status}: ${await res.text()}`);
    }

    // Watch the gateway's own /readyz in the background, to split Clawplane's time.
    const wall0 = Date.now();
    const t0 = performance.now();
    let gatewayReadyMs: number | undefined;
    let watching = true;
    const watcher = (async () => {
      while (watching && gatewayReadyMs === undefined) {
        if (await gatewayReady(gwPort)) gatewayReadyMs = performance.now() - t0;
        else await sleep(100);
      }
    })();
    try {
      const res = await fetch(`${url}/v1/apply?filename=bench.yaml`, { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body: fleetYaml(version, gwPort, target) });
      const applyMs = performance.now() - t0;
      if (!res.ok) throw new Error(`POST /v1/apply answered ${res.status}: ${await res.text()}`);
      for (;;) {
        const doc = (await getJson(`${url}/v1/orgs/${ORG}/gateways/${GATEWAY}`, auth)) as GatewayDoc | undefined;
        if (doc?.status?.lifecycle === 'running' && doc.status.health?.ready === true) {
          const readyMs = performance.now() - t0;
          const started = await startedAtMs(dataDir);
          return {
            readyMs, applyMs,
            ...(started !== undefined ? { spawnedMs: started - wall0 } : {}),
            ...(gatewayReadyMs !== undefined ? { gatewayReadyMs } : {}),
          };
        }
        if (serverExit !== undefined) throw new Error(`control plane exited with ${serverExit}; see ${join(root, 'server.log')}`);
        if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`gateway not running+ready after ${READY_TIMEOUT_MS} ms: ${JSON.stringify(doc?.status ?? null)}`);
        await sleep(250);
      }
    } finally {
      watching = false;
      await watcher;
    }
  } finally {
    // `clawplane down`: stop the gateways and the control plane, then make sure nothing is left.
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server?.once('exit', r));
      try {
        await fetch(`${url}/v1/system/shutdown`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ stopGateways: true }), signal: AbortSignal.timeout(30_000) });
      } catch {
        // swept below
      }
      await Promise.race([exited, sleep(30_000)]);
    }
    await sweep(root, 20_000);
    if (target === 'docker') await removeBenchContainers(dataDir);
    await keepLogs(root, keepLogsDir ? join(keepLogsDir, basename(root)) : undefined);
    await rm(root, { recursive: true, force: true });
  }
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function benchGatewayReady(opts: GatewayReadyOptions): Promise<{ raw: RawResult[]; clawplane: ClawplaneResult[]; warm: ClawplaneResult[]; docker: ClawplaneResult[]; ratio: number; warmRatio?: number; dockerRatio?: number }> {
  const out = opts.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const version = opts.version ?? (await pinnedVersion());
  const warm = opts.warm ?? true;
  const withDocker = (opts.docker ?? true) && (await dockerReady(version, out));
  let withFleet = false;
  if (!opts.fleet) out('openclaw fleet create: not measured (opt-in with --fleet: a fleet cell needs a bridge network and -p publishing)');
  else if (!withDocker) out('openclaw fleet create: not measured (it needs the docker engine and image measured here too)');
  else {
    const why = await fleetBlocker();
    if (why) out(`openclaw fleet create: not measured: ${why}`);
    withFleet = !why;
  }
  out(`gateway ready: openclaw ${version}, ${opts.rounds} round(s), raw / clawplane${warm ? ' / clawplane (warm)' : ''}${withDocker ? ' / clawplane (docker)' : ''} alternating`);
  const raw: RawResult[] = [];
  const cold: ClawplaneResult[] = [];
  const hot: ClawplaneResult[] = [];
  const onDocker: ClawplaneResult[] = [];
  const onFleet: RawResult[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    // Alternate the order so no side always runs with warmer caches.
    const kinds: ('raw' | 'clawplane' | 'warm' | 'docker' | 'fleet')[] = warm ? ['raw', 'clawplane', 'warm'] : ['raw', 'clawplane'];
    if (withDocker) kinds.push('docker');
    if (withFleet) kinds.push('fleet');
    const order = round % 2 === 1 ? [...kinds] : [...kinds].reverse();
    for (const which of order) {
      if (which === 'raw') {
        const r = await runRaw(version, opts.keepLogsDir);
        raw.push(r);
        out(`  round ${round} raw:              spawn → /readyz ready ${fmt(r.readyMs)}`);
      } else if (which === 'fleet') {
        const r = await runFleet(version);
        onFleet.push(r);
        out(`  round ${round} openclaw fleet create → cell /readyz ready ${fmt(r.readyMs)}`);
      } else if (which === 'docker') {
        const r = await runClawplane(version, { ...(opts.keepLogsDir ? { keepLogsDir: opts.keepLogsDir } : {}), warm: true, target: 'docker' });
        onDocker.push(r);
        const gw = r.gatewayReadyMs !== undefined ? `, gateway /readyz ready ${fmt(r.gatewayReadyMs)}` : '';
        out(`  round ${round} clawplane (docker) apply → status running+ready ${fmt(r.readyMs)} (apply answered ${fmt(r.applyMs)}${gw})`);
      } else {
        const r = await runClawplane(version, { ...(opts.keepLogsDir ? { keepLogsDir: opts.keepLogsDir } : {}), warm: which === 'warm' });
        (which === 'warm' ? hot : cold).push(r);
        const parts = [`apply answered ${fmt(r.applyMs)}`];
        if (r.spawnedMs !== undefined) parts.push(`gateway spawned ${fmt(r.spawnedMs)}`);
        if (r.gatewayReadyMs !== undefined) parts.push(`gateway /readyz ready ${fmt(r.gatewayReadyMs)}`);
        out(`  round ${round} ${which === 'warm' ? 'clawplane (warm)' : 'clawplane:      '} apply → status running+ready ${fmt(r.readyMs)} (${parts.join(', ')})`);
      }
    }
  }
  const rawMean = mean(raw.map((r) => r.readyMs));
  out(`raw (spawn → /readyz):                           mean ${fmt(rawMean)}`);
  const summary = (label: string, rs: ClawplaneResult[]): number => {
    const m = mean(rs.map((r) => r.readyMs));
    const ratio = m / rawMean;
    out(`${label} mean ${fmt(m)}, ratio ${ratio.toFixed(2)} (goal ≤ ${GOAL.toFixed(2)}: ${ratio <= GOAL ? 'ok' : 'over'})`);
    const spawned = rs.flatMap((r) => (r.spawnedMs !== undefined ? [r.spawnedMs] : []));
    const gwReady = rs.flatMap((r) => (r.gatewayReadyMs !== undefined ? [r.gatewayReadyMs] : []));
    if (spawned.length === rs.length && gwReady.length === rs.length) {
      const overhead = mean(spawned) + (m - mean(gwReady));
      out(`    of which: apply → spawn ${fmt(mean(spawned))}, spawn → gateway /readyz ${fmt(mean(gwReady) - mean(spawned))}, gateway ready → status ready ${fmt(m - mean(gwReady))}`);
      out(`    Clawplane's own share (apply → spawn + status lag): ${fmt(overhead)}; with the gateway starting as fast as raw the ratio would be ${((rawMean + overhead) / rawMean).toFixed(2)}`);
    }
    return ratio;
  };
  const ratio = summary('clawplane, fresh control plane (apply → ready):', cold);
  const warmRatio = hot.length > 0 ? summary('clawplane, warm control plane (apply → ready): ', hot) : undefined;
  let dockerRatio: number | undefined;
  if (onDocker.length > 0) {
    const m = mean(onDocker.map((r) => r.readyMs));
    dockerRatio = m / rawMean;
    const processSide = hot.length > 0 ? hot : cold;
    const vsProcess = m / mean(processSide.map((r) => r.readyMs));
    out(`clawplane, docker target (warm, apply → ready):  mean ${fmt(m)}, ratio to raw ${dockerRatio.toFixed(2)}, to the process target ${vsProcess.toFixed(2)}`);
    if (onFleet.length > 0) {
      const f = mean(onFleet.map((r) => r.readyMs));
      out(`openclaw fleet create (→ cell ready):           mean ${fmt(f)}; clawplane (docker) / fleet ratio ${(m / f).toFixed(2)}`);
    }
  }
  return { raw, clawplane: cold, warm: hot, docker: onDocker, ratio, ...(warmRatio !== undefined ? { warmRatio } : {}), ...(dockerRatio !== undefined ? { dockerRatio } : {}) };
}

if (process.argv[1]?.endsWith('gateway-ready.ts')) {
  const argv = process.argv.slice(2);
  const keep = parseKeepLogs(argv);
  await benchGatewayReady({ rounds: parseRounds(argv), warm: !parseNoWarm(argv), docker: !parseNoDocker(argv), fleet: parseFleet(argv), ...(keep ? { keepLogsDir: keep } : {}) });
}
