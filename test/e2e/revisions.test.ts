// Revisions and rollback with one real OpenClaw gateway, through the real CLI and API:
// apply → revision 1 known-good → model change → revision 2 → rollback → revision 1's config runs
// again, pinned → clear the pin → back to the current spec (revision 2).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, freePort, runCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, api, gatewayView, killTree, oneGatewayFleet, processesWithStateDir, waitFor } from '../helpers/e2e.ts';

interface RevisionRow { number: number; knownGood: boolean; cause: string; configHash: string; runtimeVersion: string; envNames: string[]; current: boolean; pinned: boolean }

const fleet = (model: string, port: number): string => oneGatewayFleet('rev', port, model);

describe('revisions and rollback end to end (real OpenClaw)', () => {
  let dir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let stateDir: string;
  let port: number;
  let rev1Config = '';

  const { get, ready } = gatewayView(() => server, () => dir, 'rev', 'gw1');
  const revisions = async (): Promise<RevisionRow[]> => (await api<{ items: RevisionRow[] }>(server.url, server.token, 'GET', '/v1/orgs/rev/gateways/gw1/revisions')).items;
  const deployedConfig = (): string => readFileSync(join(stateDir, 'openclaw.json'), 'utf8');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-rev-'));
    stateDir = join(dir, 'gateways', 'rev--gw1', 'state');
    port = await freePort();
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    killTree(await processesWithStateDir(stateDir));
    await rm(dir, { recursive: true, force: true });
  });

  it('records the first applied spec as revision 1 and marks it known-good once ready', async () => {
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet('anthropic/claude-sonnet-4-6', port));
    const applied = await runCli(['apply', '-f', file], env);
    expect(applied.code, applied.stderr).toBe(0);
    await waitFor('gateway ready on revision 1', 120_000, ready((g) => g.status?.revision === 1));
    const revs = await waitFor('revision 1 known-good', 30_000, async () => ((await revisions()).at(0)?.knownGood ? revisions() : undefined));
    expect(revs).toHaveLength(1);
    expect(revs[0]).toMatchObject({ number: 1, runtimeVersion: '2026.9.6', knownGood: true, current: true });
    expect(revs[0]!.cause).toMatch(/^generation 1; \S+ resource\.(create|update) /);
    expect(revs[0]!.envNames).toContain('OPENCLAW_GATEWAY_TOKEN');
    rev1Config = deployedConfig();
    expect(rev1Config).toContain('anthropic/claude-sonnet-4-6');
  });

  it('records a model change as revision 2', async () => {
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet('anthropic/claude-haiku-4-5', port));
    expect((await runCli(['apply', '-f', file], env)).code).toBe(0);
    await waitFor('revision 2 running', 90_000, ready((g) => g.status?.revision === 2));
    expect(deployedConfig()).toContain('anthropic/claude-haiku-4-5');
    const revs = await waitFor('revision 2 known-good', 30_000, async () => ((await revisions()).at(1)?.knownGood ? revisions() : undefined));
    expect(revs.map((r) => r.number)).toEqual([1, 2]);
    expect(revs[1]!.configHash).not.toBe(revs[0]!.configHash);
    const history = await runCli(['rollout', 'history', 'gateway/gw1'], env);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(/REVISION\s+AGE\s+VERSION\s+CONFIG\s+KNOWN-GOOD\s+CAUSE/);
    expect(history.stdout).toMatch(/\n1\s+\S+\s+2026\.9\.6\s+[0-9a-f]{12}\s+yes\s+generation 1/);
    expect(revs[1]!.cause).toContain('resource.update Agent/helper');
    expect(history.stdout).toMatch(/\n2\*\s+\S+\s+2026\.9\.6\s+[0-9a-f]{12}\s+yes\s+generation 1; \S+ resource\.update Agent\/helper/);
  });

  it('rolls back to the last known-good revision: revision 1 config runs again, pinned and audited', async () => {
    const res = await runCli(['rollback', 'gateway/gw1'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('pinned to revision 1');
    const g = await waitFor('revision 1 running again', 90_000, ready((x) => x.status?.revision === 1 && x.status.pinnedRevision === 1));
    expect(g.metadata.annotations?.['clawplane.dev/pinned-revision']).toBe('1');
    expect(deployedConfig()).toBe(rev1Config);
    expect((await revisions()).map((r) => r.number)).toEqual([1, 2]); // the same spec maps to its revision
    const wide = await runCli(['get', 'gateways', '-o', 'wide'], env);
    expect(wide.stdout).toMatch(/REVISION/);
    expect(wide.stdout).toMatch(/1 \(pinned 1\)/);
    const audit = await runCli(['audit', 'list', '--target', 'Gateway/gw1'], env);
    expect(audit.stdout).toContain('gateway.rollback');
    const bad = await runCli(['rollback', 'gateway/gw1', '--to', '9'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('no revision 9');
  });

  it('clears the pin: the gateway follows its current spec (revision 2) again', async () => {
    const res = await runCli(['rollback', 'gateway/gw1', '--clear'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('pin removed');
    const g = await waitFor('revision 2 running again', 90_000, ready((x) => x.status?.revision === 2 && x.status.pinnedRevision === undefined));
    expect(g.metadata.annotations?.['clawplane.dev/pinned-revision']).toBeUndefined();
    expect(deployedConfig()).toContain('anthropic/claude-haiku-4-5');
  });
});
