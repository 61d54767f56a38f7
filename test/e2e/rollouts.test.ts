// Rollouts end to end with three real OpenClaw gateways (process runtime), through the real CLI:
// 1. a canary runtime upgrade 2026.9.5 → 2026.9.6 (high-risk: approval; pre-upgrade backups) during which the control plane is killed with SIGKILL and restarted: it resumes and ends
//    consistent; 2. a downgrade of one gateway with its pre-upgrade state restored (doctor gate); 3. a broken change (the gateway refuses to start) is rolled back automatically and
//    the fleet ends on the previous revision, with the failure explained in `rollout status`.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, freePort, runCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, api, gatewayView, killTree, processesWithStateDir, waitFor } from '../helpers/e2e.ts';

const GATEWAYS = ['gw-a', 'gw-b', 'gw-c'];

interface Entry { name: string; state: string; from: number; revision?: number; backup?: string; restoreFrom?: string; restored?: boolean; message?: string; gates?: { gate: string; ok: boolean }[] }
interface RolloutView { status: { phase: string; reason?: string; approvedBy?: string; highRisk: boolean; gateways: Entry[] } }

function fleet(ports: number[]): string {
  const docs = [`apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: ro }
spec: { displayName: Rollouts, defaults: { runtime: { kind: openclaw, version: "2026.9.5" } } }`];
  GATEWAYS.forEach((g, i) => {
    docs.push(`kind: Gateway
metadata: { name: ${g}, labels: { tier: web } }
spec: { profile: usecase, port: ${ports[i]} }`);
    docs.push(`kind: Agent
metadata: { name: helper-${g}, gateway: ${g} }
spec: { kind: usecase, purpose: Helps, model: anthropic/claude-sonnet-4-6 }`);
  });
  return `${docs.join('\n---\n')}\n`;
}

// A config the schema accepts but the gateway refuses at startup (exit 78): gateway.mode remote.
const BROKEN = `kind: ConfigTemplate
metadata: { name: remote-mode, org: ro }
spec: { scope: { kind: org }, content: '{ gateway: { mode: "remote" } }' }
`;

describe('rollouts end to end (3 real OpenClaw gateways)', () => {
  let dir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  const views = GATEWAYS.map((g) => gatewayView(() => server, () => dir, 'ro', g));
  const all = async (pred: (g: Awaited<ReturnType<(typeof views)[number]['get']>>) => boolean): Promise<boolean> => {
    for (const v of views) if (!(await v.ready(pred)())) return false;
    return true;
  };
  const rollout = (name: string): Promise<RolloutView> => api<RolloutView>(server.url, server.token, 'GET', `/v1/orgs/ro/rollouts/${name}`);
  const start = async (): Promise<void> => {
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR }, ...(server ? { token: server.token } : {}) });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-rollout-'));
    await start();
    const ports = [await freePort(), await freePort(), await freePort()];
    await writeFile(join(dir, 'fleet.yaml'), fleet(ports));
    await writeFile(join(dir, 'broken.yaml'), BROKEN);
    const applied = await runCli(['apply', '-f', join(dir, 'fleet.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    await waitFor('3 gateways ready on 2026.9.5, revision 1', 150_000, () => all((g) => g.status?.revision === 1));
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    for (const g of GATEWAYS) killTree(await processesWithStateDir(join(dir, 'gateways', `ro--${g}`, 'state')));
    await rm(dir, { recursive: true, force: true });
  });

  it('upgrades the runtime canary-first with approval, backups and gates, surviving a kill -9 of the control plane', async () => {
    const started = await runCli(['rollout', 'start', 'upgrade', '--runtime-version', '2026.9.6', '-l', 'tier=web', '--strategy', 'canary', '--canary', '1', '--wave-size', '2', '--doctor', 'off'], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('AwaitingApproval');
    expect(started.stdout).toContain('runtime version change (2026.9.5 → 2026.9.6)');
    // Held: nothing changes before the approval.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await views[0]!.get()).status?.revision).toBe(1);
    const approved = await runCli(['rollout', 'approve', 'upgrade'], env);
    expect(approved.code, approved.stderr).toBe(0);

    // The canary is released (after its backup): kill the control plane in the middle.
    await waitFor('canary released', 60_000, async () => (await rollout('upgrade')).status.gateways.find((g) => g.name === 'gw-a')?.state === 'updating');
    await server.stop('SIGKILL');
    await start();

    const watched = await runCli(['rollout', 'status', 'upgrade', '-w'], env, undefined, 300_000);
    expect(watched.code, `${watched.stdout}\n${watched.stderr}`).toBe(0);
    expect(watched.stdout).toMatch(/rollout\/upgrade: Succeeded/);
    const r = await rollout('upgrade');
    expect(r.status.approvedBy).toBe('admin');
    for (const e of r.status.gateways) {
      expect(e.state).toBe('succeeded');
      expect(e.backup && existsSync(e.backup), `backup of ${e.name}: ${e.backup}`).toBe(true);
      expect(e.gates?.map((x) => x.gate)).toEqual(['readyz', 'health', 'channels', 'version']);
    }
    await waitFor('all on 2026.9.6, revision 2', 60_000, () => all((g) => g.status?.revision === 2 && (g.status as { runtimeVersion?: string }).runtimeVersion === '2026.9.6'));
    // One process per gateway after the restart (no duplicates).
    for (const g of GATEWAYS) {
      const owners = (await processesWithStateDir(join(dir, 'gateways', `ro--${g}`, 'state'))).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('gateway'));
      expect(owners, g).toHaveLength(1);
    }
    const audit = await runCli(['audit', 'list', '--target', 'Rollout/upgrade'], env);
    for (const a of ['rollout.start', 'rollout.approve', 'rollout.backup', 'rollout.gates-passed', 'rollout.succeeded']) expect(audit.stdout).toContain(a);
  }, 420_000);

  it('downgrades one gateway back to 2026.9.5 with its pre-upgrade state restored, doctor-gated', async () => {
    const started = await runCli(['rollout', 'start', 'back', '--runtime-version', '2026.9.5', '--gateways', 'gw-c', '--restore-backup', '--doctor', 'error'], env);
    expect(started.code, started.stderr).toBe(0);
    expect((await runCli(['rollout', 'approve', 'back'], env)).code).toBe(0);
    const watched = await runCli(['rollout', 'status', 'back', '-w'], env, undefined, 200_000);
    expect(watched.code, `${watched.stdout}\n${watched.stderr}`).toBe(0);
    const e = (await rollout('back')).status.gateways[0]!;
    expect(e).toMatchObject({ name: 'gw-c', state: 'succeeded', restored: true });
    expect(e.gates?.find((g) => g.gate === 'doctor')).toMatchObject({ ok: true });
    expect(e.restoreFrom).toBe((await rollout('upgrade')).status.gateways.find((g) => g.name === 'gw-c')!.backup);
    await waitFor('gw-c on 2026.9.5 again', 60_000, views[2]!.ready((g) => (g.status as { runtimeVersion?: string }).runtimeVersion === '2026.9.5'));
  });

  it('rolls a broken change back automatically: the fleet ends on the previous revision, the failure explained', async () => {
    const started = await runCli(['rollout', 'start', 'broken', '-f', join(dir, 'broken.yaml'), '-l', 'tier=web', '--strategy', 'rolling', '--doctor', 'off', '--timeout', '90', '--max-restarts', '1'], env);
    expect(started.code, started.stderr).toBe(0);
    const watched = await runCli(['rollout', 'status', 'broken', '-w'], env, undefined, 200_000);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(/rollout\/broken: Failed/);
    expect(watched.stdout).toMatch(/gw-a\s+1\s+rolled-back\s+2\s+\d+/);
    expect(watched.stdout).toContain('crash loop');
    expect(watched.stdout).toMatch(/gw-b\s+2\s+held/);
    const r = await rollout('broken');
    expect(r.status.reason).toMatch(/^gateway gw-a: crash loop/);
    const before: Record<string, number> = { 'gw-a': 2, 'gw-b': 2, 'gw-c': r.status.gateways.find((g) => g.name === 'gw-c')!.from };
    await waitFor('fleet back on its previous revisions, pinned', 90_000, () => all((g) => g.status?.revision === before[g.metadata.name] && g.metadata.annotations?.['clawplane.dev/pinned-revision'] === String(before[g.metadata.name])));
    for (const v of views) expect(readFileSync(join(dir, 'gateways', `ro--${(await v.get()).metadata.name}`, 'state', 'openclaw.json'), 'utf8')).toContain('"mode": "local"');
    const audit = await runCli(['audit', 'list', '--target', 'Gateway/gw-b'], env);
    expect(audit.stdout).toContain('gateway.rollback');
    const list = await runCli(['rollout', 'list'], env);
    expect(list.stdout).toMatch(/upgrade\s+Succeeded/);
    expect(list.stdout).toMatch(/broken\s+Failed/);
  });
});
