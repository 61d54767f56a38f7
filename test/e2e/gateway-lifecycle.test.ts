// One real OpenClaw gateway through its whole life, driven through the real CLI and API:
// create → ready → exec (diagnostics) → hot apply → port change (restart) → kill -9 (auto-restart) → kill -9 the
// control plane and start it again (adopted, no duplicate) → stop/start/restart → destroy (archived).
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, runCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, api, gatewayEnv, gatewayView, killTree, processesWithStateDir, waitFor } from '../helpers/e2e.ts';
import { scanForSecret } from '../helpers/leak-scan.ts';

const port1 = 22000 + Math.floor(Math.random() * 20) * 200;
const port2 = port1 + 3000;

function fleet(opts: { model: string; port: number }): string {
  return `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: e2e }
spec: { displayName: E2E, defaults: { runtime: { kind: openclaw, version: "2026.9.6" } } }
---
kind: Secret
metadata: { name: bot-token }
spec: { provider: local }
---
kind: Gateway
metadata: { name: gw1, labels: { env: test } }
spec: { profile: usecase, port: ${opts.port} }
---
kind: Agent
metadata: { name: helper, gateway: gw1 }
spec: { kind: usecase, purpose: Helps, model: ${opts.model}, personality: { soul: "You are a calm, precise helper." } }
---
kind: Agent
metadata: { name: second, gateway: gw1 }
spec: { kind: usecase, purpose: Backup, model: anthropic/claude-sonnet-4-6 }
---
kind: ChannelAccount
metadata: { name: tg, gateway: gw1 }
spec: { channel: telegram, accountId: helperbot, agent: helper, credentials: { botToken: { secretRef: bot-token } } }
---
kind: Binding
metadata: { name: tg-route, gateway: gw1 }
spec: { agent: helper, match: { channel: telegram, accountId: helperbot } }
`;
}

describe('gateway lifecycle end to end (real OpenClaw, process runtime)', () => {
  let dir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let stateDir: string;
  let gatewayToken = '';

  const { get, pidOf, ready } = gatewayView(() => server, () => dir, 'e2e', 'gw1');
  const start = async (): Promise<void> => {
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR, CLAWPLANE_STATS_INTERVAL_MS: '1000' }, ...(server ? { token: server.token } : {}) });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-e2e-'));
    stateDir = join(dir, 'gateways', 'e2e--gw1', 'state');
    await start();
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    killTree(await processesWithStateDir(stateDir));
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the gateway and reports it ready, with seeded workspaces and routes', async () => {
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet({ model: 'anthropic/claude-sonnet-4-6', port: port1 }));
    const applied = await runCli(['apply', '-f', file], env);
    expect(applied.code, applied.stderr).toBe(0);
    const g = await waitFor('gateway ready', 180_000, ready());
    expect(g.status?.endpoint?.port).toBe(port1);
    const health = (await (await fetch(`http://127.0.0.1:${port1}/readyz`)).json()) as { ready: boolean };
    expect(health.ready).toBe(true);
    expect(readFileSync(join(stateDir, 'workspaces', 'helper', 'SOUL.md'), 'utf8')).toContain('calm, precise helper');
    const config = JSON.parse(readFileSync(join(stateDir, 'openclaw.json'), 'utf8')) as { channels: { telegram: { accounts: Record<string, { enabled?: boolean }> } }; bindings: unknown[] };
    expect(config.channels.telegram.accounts.helperbot?.enabled).toBe(false); // no secret value yet → disabled, gateway still ready
    expect(config.bindings).toHaveLength(1);
    gatewayToken = (await gatewayEnv(pidOf())).get('OPENCLAW_GATEWAY_TOKEN') ?? '';
    expect(gatewayToken.length).toBeGreaterThan(20);
    const table = await runCli(['get', 'gateways'], env);
    expect(table.stdout).toMatch(/gw1\s+running\s+2026\.9\.6\s+\d+\s+2\s+ready\s+0/);
  });

  it('runs diagnostic commands in the gateway through `clawplane exec`, audited without secrets or output', async () => {
    const v = await runCli(['exec', 'gateway/gw1', '--', 'openclaw', '--version'], env);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('2026.9.6');
    // The gateway's own environment (its token) and cwd = its state dir; the argv names the token.
    const probe = 'process.stdout.write(process.cwd() + " " + (process.env.OPENCLAW_GATEWAY_TOKEN === process.argv[1] ? "SAME" + "-TOKEN" : "other")); process.exit(3)';
    const r = await runCli(['exec', 'gateway/gw1', '--timeout', '20', '--', 'node', '-e', probe, gatewayToken], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(`${stateDir} SAME-TOKEN`);
    const missing = await runCli(['exec', 'gateway/gw1', '--', 'no-such-program'], env);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('not found');
    const slow = await runCli(['exec', 'gateway/gw1', '--timeout', '1', '--', 'sleep', '30'], env);
    expect(slow.code).toBe(124);
    const audit = await api<{ items: { action: string; actor: string; diff: { command?: string[] } }[] }>(server.url, server.token, 'GET', '/v1/orgs/e2e/audit?target=Gateway/gw1&limit=1000');
    const execs = audit.items.filter((e) => e.action === 'gateway.exec').slice(-4); // (a retried test audits again)
    expect(execs.map((e) => e.diff.command?.[0])).toEqual(['openclaw', 'node', 'no-such-program', 'sleep']);
    expect(execs[1]?.diff.command).toEqual(['node', '-e', probe, '[REDACTED]']);
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(gatewayToken);
    expect(auditText).not.toContain('SAME-TOKEN'); // output is never audited
    expect(server.logs()).not.toContain(gatewayToken);
  });

  it('hot-applies a model change without restarting', async () => {
    const pid = pidOf();
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet({ model: 'anthropic/claude-haiku-4-5', port: port1 }));
    expect((await runCli(['apply', '-f', file], env)).code).toBe(0);
    await waitFor('hot apply', 90_000, ready((g) => g.status?.lastAction === 'hot-applied'));
    expect(pidOf()).toBe(pid);
    expect(readFileSync(join(stateDir, 'openclaw.json'), 'utf8')).toContain('anthropic/claude-haiku-4-5');
  });

  it('restores a config changed behind its back, and audits it', async () => {
    const file = join(stateDir, 'openclaw.json');
    const original = readFileSync(file, 'utf8');
    chmodSync(file, 0o644);
    writeFileSync(file, original.replace('anthropic/claude-haiku-4-5', 'anthropic/claude-sonnet-4-6'));
    await waitFor('drift restored', 120_000, async () => readFileSync(file, 'utf8') === original && (await get()).status?.lastAction === 'drift-restored');
    const audit = await runCli(['audit', 'list', '--target', 'Gateway/gw1'], env);
    expect(audit.stdout).toContain('gateway.drift-restore');
  });

  it('restarts for a port change', async () => {
    const pid = pidOf();
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet({ model: 'anthropic/claude-haiku-4-5', port: port2 }));
    expect((await runCli(['apply', '-f', file], env)).code).toBe(0);
    await waitFor('restart on new port', 180_000, ready((g) => g.status?.endpoint?.port === port2));
    expect(pidOf()).not.toBe(pid);
    expect(((await (await fetch(`http://127.0.0.1:${port2}/healthz`)).json()) as { ok: boolean }).ok).toBe(true);
  });

  it('restarts a gateway killed with SIGKILL, counting and auditing it', async () => {
    const pid = pidOf();
    process.kill(pid, 'SIGKILL');
    const g = await waitFor('crash restart', 180_000, ready((x) => (x.status?.restarts ?? 0) >= 1));
    expect(g.status?.restarts).toBe(1);
    expect(pidOf()).not.toBe(pid);
    const audit = await runCli(['audit', 'list', '--target', 'Gateway/gw1'], env);
    expect(audit.stdout).toContain('gateway.crash-restart');
  });

  it('reports real CPU / memory / restarts through `top` and the Prometheus endpoint', async () => {
    const live = await runCli(['top', 'gateway/gw1', '-o', 'json'], env);
    expect(live.code, live.stderr).toBe(0);
    const row = JSON.parse(live.stdout) as { phase: string; ready: boolean; restarts: number; stats?: { memoryBytes?: number; pids?: number; cpuPercent?: number } };
    expect(row).toMatchObject({ phase: 'running', ready: true, restarts: 1 });
    // A real OpenClaw gateway: well over 50 MiB resident, at least one process.
    expect(row.stats?.memoryBytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(row.stats?.pids).toBeGreaterThanOrEqual(1);
    // The background sampler (every second here) feeds `top` without a target and /metrics.
    const scrape = async () => (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
    const text = await waitFor('sampled figures in /metrics', 30_000, async () => {
      const t = await scrape();
      return /clawplane_gateway_memory_bytes\{org="e2e",gateway="gw1",target="process"\} \d{8,}/.test(t) ? t : undefined;
    });
    expect(text).toMatch(/clawplane_gateway_ready\{org="e2e",gateway="gw1",target="process"\} 1/);
    expect(text).toMatch(/clawplane_gateway_restarts\{org="e2e",gateway="gw1"\} 1/);
    expect(text).toMatch(/clawplane_gateways\{org="e2e",phase="running"\} 1/);
    expect(text).not.toContain(gatewayToken);
    const table = await runCli(['top'], env);
    expect(table.stdout).toMatch(/gw1\s+process\s+running\s+true\s+[\d.]+\s+\d+Mi\s+\d+\s+1/);
  });

  it('re-adopts the running gateway after the control plane is killed, without a duplicate', async () => {
    const pid = pidOf();
    await server.stop('SIGKILL');
    await start();
    await waitFor('adopted and ready', 90_000, ready());
    await new Promise((r) => setTimeout(r, 3000));
    expect(pidOf()).toBe(pid);
    const owners = await processesWithStateDir(stateDir);
    expect(owners.filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('gateway'))).toEqual([pid]);
  });

  it('converges after the control plane is killed in the middle of a restart', async () => {
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet({ model: 'anthropic/claude-haiku-4-5', port: port1 }));
    expect((await runCli(['apply', '-f', file], env)).code).toBe(0);
    // the reconciler is now stopping the old process / spawning the new one
    await waitFor('restart under way', 30_000, async () => (await get()).status?.lastAction === 'restarted' || (await get()).status?.health?.ready === false);
    await server.stop('SIGKILL');
    await start();
    await waitFor('ready on the new port after the crash', 180_000, ready((g) => g.status?.endpoint?.port === port1));
    await new Promise((r) => setTimeout(r, 3000));
    const owners = (await processesWithStateDir(stateDir)).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('gateway'));
    expect(owners).toEqual([pidOf()]);
  });

  it('stops, starts and restarts through the CLI', async () => {
    const stop = await runCli(['stop', 'gateway/gw1'], env);
    expect(stop.stdout).toContain('gateway/gw1: stopping');
    await waitFor('stopped', 90_000, async () => (await get()).status?.lifecycle === 'stopped');
    expect(await processesWithStateDir(stateDir)).toEqual([]);
    const refused = await runCli(['exec', 'gateway/gw1', '--', 'openclaw', '--version'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not running.*\(HTTP 409\)/);
    expect((await runCli(['start', '-l', 'env=test'], env)).stdout).toContain('gateway/gw1: starting');
    await waitFor('running again', 180_000, ready());
    const pid = pidOf();
    expect((await runCli(['restart', 'gateway/gw1'], env)).code).toBe(0);
    await waitFor('restarted', 180_000, ready(() => pidOf() !== pid));
    const logs = await runCli(['logs', 'gateway/gw1', '--tail', '20'], env);
    expect(logs.code).toBe(0);
    expect(logs.stdout.length).toBeGreaterThan(0);
  });

  it('onboards and offboards an agent atomically, enables an account once its secret is set, and inventories agents', async () => {
    const add = await runCli(['agents', 'add', 'extra', '--gateway', 'gw1', '--purpose', 'Extra hands', '--soul', 'You are the extra agent.', '--model', 'anthropic/claude-sonnet-4-6'], env);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('agent/extra created');
    await waitFor('agent live in the gateway', 120_000, async () => {
      const a = await api<{ status?: { live?: boolean } }>(server.url, server.token, 'GET', '/v1/orgs/e2e/agents/extra');
      return a.status?.live === true;
    });
    expect(readFileSync(join(stateDir, 'workspaces', 'extra', 'SOUL.md'), 'utf8')).toContain('the extra agent');
    const agents = await runCli(['get', 'agents'], env);
    expect(agents.stdout).toMatch(/extra\s+gw1\s+usecase\s+anthropic\/claude-sonnet-4-6\s+Extra hands\s+true/);

    const botToken = `123456:FAKE-${Date.now()}-token-value`;
    const set = await runCli(['secret', 'set', 'bot-token'], env, `${botToken}\n`);
    expect(set.code, set.stderr).toBe(0);
    await waitFor('account enabled', 120_000, async () => {
      const cfg = JSON.parse(readFileSync(join(stateDir, 'openclaw.json'), 'utf8')) as { channels: { telegram: { accounts: Record<string, { enabled?: boolean }> } } };
      return cfg.channels.telegram.accounts.helperbot?.enabled !== false;
    });
    await waitFor('ready with the account', 180_000, ready());
    expect(readFileSync(join(stateDir, 'openclaw.json'), 'utf8')).not.toContain(botToken);
    expect(await scanForSecret([join(dir, 'clawplane.db'), join(dir, 'secrets.enc.json')], botToken)).toEqual([]);
    expect(server.logs()).not.toContain(botToken);

    const remove = await runCli(['agents', 'remove', 'extra'], env);
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stdout).toContain('agent/extra deleted');
    expect(remove.stdout).toMatch(/state archived to .*agent-extra.*\.tar\.gz/);
    expect(existsSync(join(stateDir, 'workspaces', 'extra'))).toBe(false);
  });

  it('destroys the gateway: process gone, state archived, resources removed, token never stored in plain text', async () => {
    const res = await runCli(['destroy', 'gateway/gw1'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/archived to .*e2e--gw1-.*\.tar\.gz/);
    // A reconcile pass already in flight may still touch the gateway; the deletion converges it.
    await waitFor('gateway processes and files gone', 90_000, async () => (await processesWithStateDir(stateDir)).length === 0 && !existsSync(join(dir, 'gateways', 'e2e--gw1')));
    expect((await readdir(join(dir, 'archive'))).length).toBeGreaterThanOrEqual(1);
    expect((await runCli(['get', 'agents'], env)).stderr).toContain('No agents found');
    expect(await scanForSecret([join(dir, 'clawplane.db'), join(dir, 'secrets.enc.json')], gatewayToken)).toEqual([]);
    expect(server.logs()).not.toContain(gatewayToken);
  });
});
