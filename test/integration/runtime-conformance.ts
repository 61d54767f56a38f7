// Shared RuntimeDriver conformance suite. Every target (process, docker, kubernetes, fakes behind
// the port) must pass it. It runs ONE real OpenClaw gateway through its whole lifecycle.
//
//   runtimeConformance('process', async () => ({ driver, cleanup }), { version, portBase })
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayDeployment, RuntimeDriver } from '../../src/core/ports/runtime.ts';
import { probeOpenClaw } from '../../src/adapters/openclaw/probe.ts';

export interface ConformanceOptions {
  /** OpenClaw version installed for the driver. */
  version: string;
  port: number;
  /** Budget to reach /readyz. Default 90 s. */
  readyTimeoutMs?: number;
}

export interface ConformanceContext {
  driver: RuntimeDriver;
  /** Called in afterAll: kill anything left. */
  cleanup?: () => Promise<void>;
  /** Kill the running gateway from OUTSIDE the driver (a crash); enables the crash-detection step. */
  crash?: (id: string) => Promise<void>;
  /** A second driver instance over the same state (a control-plane restart); enables the re-adopt step. */
  reopen?: () => Promise<RuntimeDriver>;
}

async function until(pred: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function randomTestPort(): number {
  // Steps of 200 (OpenClaw derives ports up to base+110); each vitest worker gets its own half of
  // 20000-29999, so two files running at once never probe each other's gateways.
  const half = (Number(process.env.VITEST_POOL_ID ?? 1) - 1) % 2;
  return 20000 + half * 5000 + 200 * Math.floor(Math.random() * 24) + 10;
}

export function specHashOf(d: Omit<GatewayDeployment, 'specHash'>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([d.runtime, d.port, Object.entries(d.files).sort(), Object.entries(d.env).sort()]));
  return h.digest('hex').slice(0, 16);
}

/** Minimal valid OpenClaw config (reference §1.4) with per-gateway log file and one agent. */
export function minimalOpenClawDeployment(args: {
  id: string; port: number; version: string; token: string; stateDir: string; model?: string;
}): GatewayDeployment {
  const config = {
    gateway: { mode: 'local', port: args.port, bind: 'loopback', auth: { mode: 'token' } },
    logging: { file: `${args.stateDir}/logs/openclaw.log` },
    update: { checkOnStart: false },
    models: { catalogRefresh: { enabled: false } },
    agents: { entries: { main: { model: args.model ?? 'anthropic/claude-sonnet-4-6' } } },
  };
  const [org = 'org', gateway = args.id] = args.id.split('--');
  const d = {
    id: args.id, org, gateway,
    runtime: { kind: 'openclaw' as const, version: args.version },
    port: args.port,
    files: { 'openclaw.json': `${JSON.stringify(config, null, 2)}\n` },
    env: { OPENCLAW_GATEWAY_TOKEN: args.token },
  };
  return { ...d, specHash: specHashOf(d) };
}

export async function waitReady(
  endpoint: { host: string; port: number }, token: string, timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await probeOpenClaw(endpoint, token, { timeoutMs: 2000 });
    if (r.ready) return;
    last = r.error ?? JSON.stringify(r);
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`gateway not ready after ${timeoutMs} ms: ${last}`);
}

export function runtimeConformance(
  name: string, makeDriver: () => Promise<ConformanceContext>, opts: ConformanceOptions,
): void {
  describe(`RuntimeDriver conformance: ${name}`, () => {
    let ctx: ConformanceContext;
    const id = `conf--gw-${randomBytes(3).toString('hex')}`;
    const token = randomBytes(24).toString('hex');
    let deployment: GatewayDeployment;

    beforeAll(async () => {
      ctx = await makeDriver();
      deployment = minimalOpenClawDeployment({
        id, port: opts.port, version: opts.version, token, stateDir: ctx.driver.stateDirFor(id),
      });
    });

    afterAll(async () => {
      await ctx.driver.kill(id).catch(() => undefined);
      await ctx.driver.remove(id, { archive: false }).catch(() => undefined);
      await ctx.cleanup?.();
    });

    it('reports an unknown gateway as missing', async () => {
      expect((await ctx.driver.observe(id)).phase).toBe('missing');
    });

    it('starts a gateway that becomes ready and serves its config', async () => {
      const obs = await ctx.driver.start(deployment);
      expect(obs.phase).toBe('running');
      expect(obs.specHash).toBe(deployment.specHash);
      expect(await ctx.driver.readConfig(id)).toBe(deployment.files['openclaw.json']);
      await waitReady(ctx.driver.endpoint(id, opts.port), token, opts.readyTimeoutMs ?? 90_000);
    });

    it('start with the same spec is a no-op', async () => {
      const before = await ctx.driver.observe(id);
      const again = await ctx.driver.start(deployment);
      expect(again.phase).toBe('running');
      expect(again.startedAt).toBe(before.startedAt);
      expect(again.pid).toBe(before.pid);
    });

    it('writeFiles updates the config in place', async () => {
      const cfg = JSON.parse(deployment.files['openclaw.json'] ?? '{}') as Record<string, unknown>;
      cfg.agents = { entries: { main: { model: 'anthropic/claude-opus-4-6' } } };
      const text = `${JSON.stringify(cfg, null, 2)}\n`;
      await ctx.driver.writeFiles({ ...deployment, files: { 'openclaw.json': text } });
      expect(await ctx.driver.readConfig(id)).toBe(text);
      expect((await ctx.driver.observe(id)).phase).toBe('running');
    });

    it('lists the gateway and has logs', async () => {
      const all = await ctx.driver.observeAll();
      expect(all.map((o) => o.id)).toContain(id);
      const lines: string[] = [];
      for await (const line of ctx.driver.logs(id, { tailLines: 50 })) lines.push(line);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(50);
    });

    it('runs the runtime CLI, backs up into its backup dir and restores from the archive (rollouts, when supported)', async (t) => {
      const d = ctx.driver;
      if (!d.exec || !d.backupDir || !d.restoreState) return t.skip();
      const runtime = { kind: 'openclaw' as const, version: opts.version };
      const v = await d.exec(id, { runtime, args: ['--version'], env: deployment.env, timeoutMs: 60_000 });
      expect(v, v.stderr).toMatchObject({ code: 0, timedOut: false });
      expect(v.stdout).toContain(opts.version);
      const dir = await d.backupDir(id);
      const b = await d.exec(id, { runtime, args: ['backup', 'create', '--output', dir, '--json'], env: deployment.env, timeoutMs: 120_000 });
      expect(b.code, b.stderr).toBe(0);
      const archive = (JSON.parse(b.stdout.slice(b.stdout.indexOf('{'))) as { archivePath: string }).archivePath;
      expect(archive.startsWith(`${dir}/`), archive).toBe(true);
      await expect(d.restoreState(id, '/etc/passwd')).rejects.toThrow(/not a backup of this control plane/);
      await d.restoreState(id, archive);
      expect((await d.observe(id)).phase).toBe('stopped');
      expect((await d.start(deployment)).phase).toBe('running');
      await waitReady(d.endpoint(id, opts.port), token, opts.readyTimeoutMs ?? 90_000);
    });

    it('restarts on a new spec (new start, restarts counter)', async () => {
      const before = await ctx.driver.observe(id);
      const env = { ...deployment.env, CLAWPLANE_RESTARTED_AT: new Date().toISOString() };
      const next = { ...deployment, env, specHash: specHashOf({ ...deployment, env }) };
      const obs = await ctx.driver.start(next);
      expect(obs.phase).toBe('running');
      expect(obs.specHash).toBe(next.specHash);
      expect(obs.startedAt).not.toBe(before.startedAt);
      expect(obs.restarts).toBe((before.restarts ?? 0) + 1);
      deployment = next;
    });

    it('a new driver instance re-adopts the running gateway (no duplicate)', async (t) => {
      if (!ctx.reopen) return t.skip();
      const current = await ctx.driver.observe(id);
      const second = await ctx.reopen();
      const adopted = await second.observe(id);
      expect(adopted).toMatchObject({ phase: 'running', specHash: current.specHash, startedAt: current.startedAt });
      const again = await second.start(deployment);
      expect(again.startedAt).toBe(current.startedAt);
      expect((await second.observeAll()).filter((o) => o.id === id)).toHaveLength(1);
    });

    it('detects a crash (exited, not stopped) and reports it', async (t) => {
      if (!ctx.crash) return t.skip();
      const exits: string[] = [];
      const off = ctx.driver.onExit?.((e) => exits.push(e.id));
      try {
        await ctx.crash(id);
        await until(async () => (await ctx.driver.observe(id)).phase === 'exited', 20_000, 'phase exited');
        if (off) await until(async () => exits.includes(id), 10_000, 'exit event');
      } finally {
        off?.();
      }
    });

    it('stops gracefully and is observed stopped', async () => {
      await ctx.driver.stop(id, { graceMs: 20_000 });
      const obs = await ctx.driver.observe(id);
      expect(obs.phase).toBe('stopped');
      const probe = await probeOpenClaw(ctx.driver.endpoint(id, opts.port), token, { timeoutMs: 1000 });
      expect(probe.live).toBe(false);
    });

    it('removes everything and archives state', async () => {
      const res = await ctx.driver.remove(id, { archive: true });
      expect(res.archive).toBeTruthy();
      expect((await ctx.driver.observe(id)).phase).toBe('missing');
      expect((await ctx.driver.observeAll()).map((o) => o.id)).not.toContain(id);
    });
  });
}
