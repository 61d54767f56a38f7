// Process driver behaviour with a tiny fake `openclaw.mjs` (fast, no real gateway): signal
// escalation, exit codes, strays that escape the process group, re-adoption, path safety.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayDeployment } from '../../src/core/ports/runtime.ts';
import { createProcessDriver, type GatewayExitEvent, type ProcessDriver } from '../../src/runtimes/process/process-driver.ts';
import { findProcessesByStateDir } from '../../src/runtimes/process/proc.ts';

const FAKE = `
import { spawn } from 'node:child_process';
const mode = process.env.FAKE_MODE ?? '';
if (mode.includes('ignore-term')) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
if (mode.includes('exit-3')) setTimeout(() => process.exit(3), 100);
if (mode.includes('escape')) {
  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore', env: process.env }).unref();
}
if (mode.includes('chatty')) setInterval(() => console.log('x'.repeat(60)), 5);
console.log('fake gateway ' + process.argv.slice(2).join(' '));
console.log('token-present=' + (process.env.OPENCLAW_GATEWAY_TOKEN ? 'yes' : 'no'));
setInterval(() => {}, 1000);
`;

describe('process driver (fake runtime)', () => {
  let dataDir: string;
  let runtimesDir: string;
  let driver: ProcessDriver;
  const exits: GatewayExitEvent[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clawplane-fake-'));
    runtimesDir = join(dataDir, 'runtimes');
    const pkg = join(runtimesDir, 'openclaw', '0.0.1', 'node_modules', 'openclaw');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'openclaw.mjs'), FAKE);
    driver = createProcessDriver({ dataDir: join(dataDir, 'data'), runtimesDir, nodePath: process.execPath, graceMs: 500 });
    driver.onExit((e) => exits.push(e));
  });

  afterAll(async () => {
    for (const id of ids) await driver.kill(id).catch(() => undefined);
    driver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function dep(mode: string, extra: Partial<GatewayDeployment> = {}): GatewayDeployment {
    const id = `t--${mode.replace(/[^a-z0-9]/g, '')}-${randomBytes(2).toString('hex')}`;
    ids.push(id);
    return {
      id, org: 't', gateway: mode, runtime: { kind: 'openclaw', version: '0.0.1' }, port: 29999,
      files: { 'openclaw.json': '{}\n', 'agents/a.json5': '{ x: 1 }\n' },
      env: { FAKE_MODE: mode, OPENCLAW_GATEWAY_TOKEN: 'secret-value-123' }, specHash: `h-${mode}`, ...extra,
    };
  }

  it('starts with an argument array, logs to gateway.log, never records secrets', async () => {
    const d = dep('plain');
    const obs = await driver.start(d);
    expect(obs.phase).toBe('running');
    const paths = driver.pathsFor(d.id);
    await expect.poll(async () => readFile(paths.logFile, 'utf8').catch(() => ''), { timeout: 5000 })
      .toContain('fake gateway gateway run --port 29999 --bind loopback');
    expect(await readFile(paths.logFile, 'utf8')).toContain('token-present=yes');
    expect(await readFile(paths.record, 'utf8')).not.toContain('secret-value-123');
    expect((await lstat(join(paths.state, 'agents/a.json5'))).mode & 0o777).toBe(0o444);
    const lines: string[] = [];
    for await (const l of driver.logs(d.id, { tailLines: 1 })) lines.push(l);
    expect(lines).toEqual(['token-present=yes']);
    await driver.stop(d.id);
    expect((await driver.observe(d.id)).phase).toBe('stopped');
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const d = dep('ignore-term');
    await driver.start(d);
    await expect.poll(async () => readFile(driver.pathsFor(d.id).logFile, 'utf8'), { timeout: 5000 }).toContain('fake gateway');
    const t0 = Date.now();
    await driver.stop(d.id, { graceMs: 300 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect((await driver.observe(d.id)).phase).toBe('stopped');
    expect(await findProcessesByStateDir(driver.stateDirFor(d.id))).toEqual([]);
  });

  it('reports a crash as exited with its exit code', async () => {
    const d = dep('exit-3');
    const obs = await driver.start(d);
    await expect.poll(async () => (await driver.observe(d.id)).phase, { timeout: 5000 }).toBe('exited');
    await expect.poll(() => exits.find((e) => e.pid === obs.pid)?.exitCode, { timeout: 5000 }).toBe(3);
    await expect.poll(async () => (await driver.observe(d.id)).exitCode, { timeout: 5000 }).toBe(3);
    // start() after a crash starts it again and counts the restart.
    const again = await driver.start({ ...d, env: { FAKE_MODE: 'plain' } });
    expect(again.phase).toBe('running');
    expect(again.restarts).toBe(1);
  });

  it('kills processes that escaped the process group but carry the state dir', async () => {
    const d = dep('escape');
    await driver.start(d);
    const stateDir = driver.stateDirFor(d.id);
    await expect.poll(async () => (await findProcessesByStateDir(stateDir)).length, { timeout: 5000 }).toBe(2);
    const res = await driver.remove(d.id, { archive: false });
    expect(res).toEqual({});
    expect(await findProcessesByStateDir(stateDir)).toEqual([]);
    expect(existsSync(driver.pathsFor(d.id).root)).toBe(false);
  });

  it('a second instance adopts; a recycled pid in gateway.json is not ours', async () => {
    const d = dep('plain');
    const first = await driver.start(d);
    const second = createProcessDriver({ dataDir: join(dataDir, 'data'), runtimesDir, nodePath: process.execPath });
    try {
      expect(await second.start(d)).toMatchObject({ phase: 'running', pid: first.pid });
      // Point the record at a live process that is not this gateway (our own test process).
      const recFile = driver.pathsFor(d.id).record;
      const rec = JSON.parse(await readFile(recFile, 'utf8')) as Record<string, unknown>;
      await driver.kill(d.id);
      await writeFile(recFile, JSON.stringify({ ...rec, pid: process.pid, pgid: process.pid, stoppedAt: undefined }));
      expect((await second.observe(d.id)).phase).toBe('exited');
      await second.stop(d.id); // must not signal our own process group
      expect((await second.observe(d.id)).phase).toBe('stopped');
    } finally {
      second.close();
    }
  });

  it('refuses unsafe ids, file paths, env names and versions', async () => {
    await expect(driver.start({ ...dep('plain'), id: '../x' })).rejects.toThrow(/invalid gateway id/);
    await expect(driver.writeFiles({ ...dep('plain'), files: { '../evil': 'x' } })).rejects.toThrow(/invalid file path/);
    await expect(driver.writeFiles({ ...dep('plain'), files: { '/etc/passwd': 'x' } })).rejects.toThrow(/invalid file path/);
    await expect(driver.start({ ...dep('plain'), env: { 'BAD NAME': 'x' } })).rejects.toThrow(/invalid env var name/);
    await expect(driver.start({ ...dep('plain'), runtime: { kind: 'openclaw', version: '../../x' } })).rejects.toThrow(/invalid runtime version/);
    await expect(driver.start({ ...dep('plain'), runtime: { kind: 'openclaw', version: '9.9.9' } })).rejects.toThrow(/not installed/);
  });

  it('rotates gateway.log by size while the gateway keeps writing', async () => {
    const rotating = createProcessDriver({
      dataDir: join(dataDir, 'data'), runtimesDir, nodePath: process.execPath,
      logRotation: { maxBytes: 2000, maxFiles: 2, intervalMs: 50 },
    });
    try {
      const d = dep('chatty');
      await rotating.start(d);
      const { logFile } = rotating.pathsFor(d.id);
      await expect.poll(() => existsSync(`${logFile}.2`), { timeout: 10_000 }).toBe(true);
      expect(existsSync(`${logFile}.3`)).toBe(false);
      await rotating.kill(d.id);
    } finally {
      rotating.close();
    }
  });

  it('replaces a symlinked config with a regular file', async () => {
    const d = dep('plain');
    const paths = driver.pathsFor(d.id);
    await mkdir(paths.state, { recursive: true });
    const target = join(dataDir, 'outside.json');
    await writeFile(target, 'outside');
    await symlink(target, paths.config);
    await driver.writeFiles(d);
    expect((await lstat(paths.config)).isFile()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('outside');
  });

  it('execCommand: argv in the running gateway\'s env and state dir; timeout kills the group; output capped; refused when not running', async () => {
    const d = dep('exec');
    await driver.start(d);
    const p = driver.pathsFor(d.id);
    const r = await driver.execCommand(d.id, ['node', '-e', 'console.log(process.cwd(), process.env.OPENCLAW_GATEWAY_TOKEN, process.env.OPENCLAW_STATE_DIR === process.cwd()); process.exit(5)']);
    expect(r).toMatchObject({ exitCode: 5, stdout: `${p.state} secret-value-123 true\n`, truncated: false, timedOut: false });
    expect((await driver.execCommand(d.id, ['definitely-not-a-program-x'])).exitCode).toBe(127);
    // A child of the command in the same group dies with it at the timeout.
    const t0 = Date.now();
    const slow = await driver.execCommand(d.id, ['node', '-e', 'require("node:child_process").spawn(process.execPath, ["-e", "setInterval(()=>{},1000)"], { stdio: "ignore" }); setInterval(() => {}, 1000)'], { timeoutMs: 500 });
    expect(slow.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await findProcessesByStateDir(p.state)).toHaveLength(1); // only the gateway itself is left
    const big = await driver.execCommand(d.id, ['node', '-e', 'process.stdout.write("y".repeat(3 * 1024 * 1024))']);
    expect(big.truncated).toBe(true);
    expect(big.stdout.length).toBe(1024 * 1024);
    await driver.stop(d.id, { graceMs: 500 });
    await expect(driver.execCommand(d.id, ['true'])).rejects.toThrow('is not running');
  });
});
