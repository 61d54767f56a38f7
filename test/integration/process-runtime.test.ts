// Real OpenClaw gateways on the local host through the process RuntimeDriver.
// Run under the shared lock: flock /tmp/clawplane-heavy.lock npx vitest run test/integration/process-runtime.test.ts
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupReloadKind, probeOpenClaw } from '../../src/adapters/openclaw/probe.ts';
import { createProcessDriver, type GatewayExitEvent, type ProcessDriver } from '../../src/runtimes/process/process-driver.ts';
import { findProcessesByStateDir, processGroupMembers, readProcStat, signalGroup } from '../../src/runtimes/process/proc.ts';
import {
  minimalOpenClawDeployment, randomTestPort, runtimeConformance, waitReady,
} from './runtime-conformance.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RUNTIMES_DIR = join(REPO, '.tools', 'runtimes');
const NODE = join(REPO, '.tools', 'node24', 'bin', 'node');
const VERSION = '2026.9.6';

const portA = randomTestPort();
let portB = randomTestPort();
while (Math.abs(portB - portA) < 200) portB = randomTestPort();

async function until(pred: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('process driver with a real OpenClaw gateway', () => {
  let dataDir: string;
  let driver: ProcessDriver;
  const drivers: ProcessDriver[] = [];
  const id = `acme--gw-${randomBytes(3).toString('hex')}`;
  const token = randomBytes(24).toString('hex');
  const exits: GatewayExitEvent[] = [];
  const pgids = new Set<number>();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clawplane-proc-'));
    driver = createProcessDriver({ dataDir, runtimesDir: RUNTIMES_DIR, nodePath: NODE, skipChannels: true });
    drivers.push(driver);
    driver.onExit((e) => exits.push(e));
  });

  afterAll(async () => {
    for (const pgid of pgids) signalGroup(pgid, 'SIGKILL');
    for (const d of drivers) {
      await d.kill(id).catch(() => undefined);
      d.close();
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  const deployment = (model?: string) =>
    minimalOpenClawDeployment({ id, port: portA, version: VERSION, token, stateDir: driver.stateDirFor(id), model });

  it('starts, writes a read-only regular config file, and becomes ready', async () => {
    const d = deployment();
    const obs = await driver.start(d);
    expect(obs.phase).toBe('running');
    expect(obs.pid).toBeGreaterThan(0);
    pgids.add(obs.pid!);

    const paths = driver.pathsFor(id);
    const st = await lstat(paths.config);
    expect(st.isFile()).toBe(true);
    expect(st.mode & 0o777).toBe(0o444);
    for (const dir of [paths.home, paths.state, paths.logs]) expect((await stat(dir)).isDirectory()).toBe(true);

    const record = await readFile(paths.record, 'utf8');
    expect(JSON.parse(record)).toMatchObject({ pid: obs.pid, pgid: obs.pid, port: portA, version: VERSION, specHash: d.specHash });
    expect(record).not.toContain(token);

    const environ = await readFile(`/proc/${obs.pid}/environ`, 'utf8');
    expect(environ.split('\0')).toEqual(expect.arrayContaining([
      `OPENCLAW_STATE_DIR=${paths.state}`, 'OPENCLAW_CONFIG_READONLY=1', 'OPENCLAW_NO_RESPAWN=1',
      'OPENCLAW_SUPERVISOR_MODE=external', `HOME=${paths.home}`,
    ]));

    // Deep-probe through startup: every probe is bounded and never throws, whatever phase the
    // gateway is in (port closed, HTTP up but WS not ready / UNAVAILABLE, ready).
    const seen = new Set<string>();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const t0 = Date.now();
      const r = await probeOpenClaw(driver.endpoint(id, portA), token, { deep: true, timeoutMs: 3000 });
      expect(Date.now() - t0).toBeLessThan(6000);
      if (r.ready) {
        expect(r.agents).toContain('main');
        break;
      }
      expect(r.error ?? r.failing).toBeTruthy();
      seen.add(r.live ? 'live-not-ready' : 'not-live');
      if (Date.now() > deadline) throw new Error(`not ready: ${r.error}`);
      await new Promise((res) => setTimeout(res, 300));
    }
    expect(seen.has('not-live')).toBe(true);
  });

  it('deep probe returns agents and channels; wrong token is not ready', async () => {
    const report = await probeOpenClaw(driver.endpoint(id, portA), token, { deep: true, timeoutMs: 10_000 });
    expect(report).toMatchObject({ live: true, ready: true });
    expect(report.agents).toContain('main');
    expect(report.channels).toBeTypeOf('object');
    expect(report.version).toBe(VERSION);

    const bad = await probeOpenClaw(driver.endpoint(id, portA), 'wrong-token', { deep: true, timeoutMs: 5000 });
    expect(bad.live).toBe(true);
    expect(bad.ready).toBe(false);
    expect(bad.error).toMatch(/connect/);
  });

  it('HTML catch-all is not mistaken for health', async () => {
    // A port with nothing listening → not live; error text present.
    const r = await probeOpenClaw({ host: '127.0.0.1', port: portB }, token, { timeoutMs: 1000 });
    expect(r.live).toBe(false);
    expect(r.error).toBeTruthy();
  });

  it('looks up reload kinds through config.schema.lookup', async () => {
    const kinds = await lookupReloadKind(driver.endpoint(id, portA), token, ['gateway.port', 'agents.entries.main.model', 'no.such.key']);
    expect(kinds['gateway.port']).toBe('restart');
    expect(kinds['no.such.key']).toBe('restart');
    expect(kinds['agents.entries.main.model']).toBe('hot');
  });

  it('hot-applies a changed agent model without a restart', async () => {
    const before = await driver.observe(id);
    await driver.writeFiles(deployment('anthropic/claude-opus-4-6'));
    const paths = driver.pathsFor(id);
    expect(await driver.readConfig(id)).toContain('anthropic/claude-opus-4-6');
    expect((await lstat(paths.config)).mode & 0o777).toBe(0o444);
    const gwLog = join(paths.state, 'logs', 'openclaw.log');
    await until(async () => existsSync(gwLog) && /config hot reload applied/.test(await readFile(gwLog, 'utf8')), 20_000, 'hot reload log line');
    const after = await driver.observe(id);
    expect(after.phase).toBe('running');
    expect(after.pid).toBe(before.pid);
    const stats = await driver.stats!(id);
    expect(stats.memoryBytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(stats.pids).toBeGreaterThanOrEqual(1);
  });

  it('restarts on a new specHash (new pid, restarts counter)', async () => {
    const before = await driver.observe(id);
    const d = deployment('anthropic/claude-opus-4-6');
    const obs = await driver.start(d);
    expect(obs.phase).toBe('running');
    expect(obs.pid).not.toBe(before.pid);
    expect(obs.restarts).toBe((before.restarts ?? 0) + 1);
    pgids.add(obs.pid!);
    expect(await processGroupMembers(before.pid!)).toHaveLength(0);
    await waitReady(driver.endpoint(id, portA), token, 90_000);
  });

  it('a new driver instance re-adopts the running gateway (no duplicate)', async () => {
    const current = await driver.observe(id);
    const second = createProcessDriver({ dataDir, runtimesDir: RUNTIMES_DIR, nodePath: NODE, skipChannels: true });
    drivers.push(second);
    const adopted = await second.observe(id);
    expect(adopted).toMatchObject({ phase: 'running', pid: current.pid, specHash: current.specHash });
    const again = await second.start(deployment('anthropic/claude-opus-4-6'));
    expect(again.pid).toBe(current.pid);
    expect(await second.observeAll()).toEqual([expect.objectContaining({ id, phase: 'running', pid: current.pid })]);
    // Exactly one gateway process owns the state dir (its workers share the env, not the title).
    const owners = await findProcessesByStateDir(second.stateDirFor(id));
    const gateways: number[] = [];
    for (const pid of owners) if ((await readProcStat(pid))?.comm.startsWith('openclaw')) gateways.push(pid);
    expect(gateways).toEqual([current.pid]);
  });

  it('reports an externally killed gateway as exited', async () => {
    const current = await driver.observe(id);
    process.kill(current.pid!, 'SIGKILL');
    await until(async () => (await driver.observe(id)).phase === 'exited', 10_000, 'phase exited');
    await until(async () => exits.some((e) => e.pid === current.pid), 5000, 'exit event');
    expect(exits.find((e) => e.pid === current.pid)).toMatchObject({ id, signal: 'SIGKILL' });
    const second = drivers[1]!;
    expect((await second.observe(id)).phase).toBe('exited');
  });

  it('stop/remove archives state and leaves no orphan', async () => {
    // Start again so remove has a live process group to stop.
    const obs = await driver.start(deployment());
    pgids.add(obs.pid!);
    const stateDir = driver.stateDirFor(id);
    const res = await driver.remove(id, { archive: true });
    expect(res.archive).toMatch(new RegExp(`/archive/${id}-.*\\.tar\\.gz$`));
    expect((await stat(res.archive!)).size).toBeGreaterThan(0);
    expect(existsSync(driver.pathsFor(id).root)).toBe(false);
    expect(await processGroupMembers(obs.pid!)).toHaveLength(0);
    expect(await findProcessesByStateDir(stateDir)).toEqual([]);
    expect((await driver.observe(id)).phase).toBe('missing');
  });
});

runtimeConformance('process', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'clawplane-conf-'));
  const driver = createProcessDriver({ dataDir, runtimesDir: RUNTIMES_DIR, nodePath: NODE, skipChannels: true });
  const others: ProcessDriver[] = [];
  return {
    driver,
    crash: async (gid) => {
      const { pid } = await driver.observe(gid);
      if (pid) process.kill(pid, 'SIGKILL');
    },
    reopen: async () => {
      const second = createProcessDriver({ dataDir, runtimesDir: RUNTIMES_DIR, nodePath: NODE, skipChannels: true });
      others.push(second);
      return second;
    },
    cleanup: async () => {
      driver.close();
      for (const d of others) d.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}, { version: VERSION, port: portB });
