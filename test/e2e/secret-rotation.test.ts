// Gateway auth token lifecycle against one real OpenClaw gateway: rotation through the CLI restarts
// the gateway with a new token (the old one no longer authenticates), the reconciler audits which
// secrets it resolved (names only, once per change), and destroying the gateway purges its token.
// Run under the shared lock: flock /tmp/clawplane-heavy.lock npx vitest run test/e2e/secret-rotation.test.ts
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, connectGateway } from '../../src/adapters/openclaw/probe.ts';
import { createLocalSecretStore } from '../../src/secrets/local-store.ts';
import { type ServerProcess, runCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, api, gatewayEnv, gatewayView, killTree, oneGatewayFleet, processesWithStateDir, waitFor } from '../helpers/e2e.ts';
import { scanForSecret } from '../helpers/leak-scan.ts';

const port = 26000 + Math.floor(Math.random() * 40) * 50;

const fleet = oneGatewayFleet('rot', port);

interface Audit { action: string; actor: string; target: string; diff: Record<string, unknown> }

describe('gateway token rotation and purge (real OpenClaw)', () => {
  let dir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let stateDir: string;
  const endpoint = { host: '127.0.0.1', port };

  const { get, pidOf, ready } = gatewayView(() => server, () => dir, 'rot', 'gw1');
  const audit = async (): Promise<Audit[]> => (await api<{ items: Audit[] }>(server.url, server.token, 'GET', '/v1/orgs/rot/audit?target=Gateway/gw1')).items;
  const authenticates = async (token: string): Promise<boolean> => {
    try {
      const { client } = await connectGateway(endpoint, token, 8000);
      await closeClient(client);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-rot-'));
    stateDir = join(dir, 'gateways', 'rot--gw1', 'state');
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
  }, 90_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    killTree(await processesWithStateDir(stateDir));
    await rm(dir, { recursive: true, force: true });
  });

  it('rotates the gateway token: the gateway restarts with the new one and the old one is refused', async () => {
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet);
    const applied = await runCli(['apply', '-f', file], env);
    expect(applied.code, applied.stderr).toBe(0);
    await waitFor('gateway ready', 120_000, ready());
    const pid = pidOf();
    const oldToken = (await gatewayEnv(pid)).get('OPENCLAW_GATEWAY_TOKEN') ?? '';
    expect(oldToken.length).toBeGreaterThan(20);
    expect(await authenticates(oldToken)).toBe(true);
    expect(await authenticates('not-the-token-at-all-0000000000000')).toBe(false);

    // The reconciler resolved the gateway's secrets once (names/versions only), despite several passes.
    const reads = (await audit()).filter((a) => a.action === 'secret.read');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ actor: 'system:reconciler', diff: { names: [], gatewayAuthVersion: 1 } });

    const rotated = await runCli(['secrets', 'rotate', '--gateway-token', 'gateway/gw1'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('gateway/gw1 auth token rotated (version 2)');
    await waitFor('restarted with the new token', 120_000, ready(() => pidOf() !== pid));
    const newToken = (await gatewayEnv(pidOf())).get('OPENCLAW_GATEWAY_TOKEN') ?? '';
    expect(newToken.length).toBeGreaterThan(20);
    expect(newToken).not.toBe(oldToken);
    expect(await authenticates(newToken)).toBe(true);
    expect(await authenticates(oldToken)).toBe(false);

    const after = await audit();
    expect(after.filter((a) => a.action === 'secret.rotate')).toMatchObject([{ actor: 'admin', diff: { gatewayAuth: 'rotated', version: 2 } }]);
    expect(after.filter((a) => a.action === 'secret.read').map((a) => a.diff.gatewayAuthVersion)).toEqual([1, 2]);
    for (const t of [oldToken, newToken]) {
      expect(await scanForSecret([join(dir, 'clawplane.db'), join(dir, 'secrets.enc.json')], t)).toEqual([]);
      expect(server.logs()).not.toContain(t);
      expect(JSON.stringify(after)).not.toContain(t);
    }
  }, 150_000);

  it('purges the gateway token from the local store when the gateway is destroyed', async () => {
    const store = createLocalSecretStore({ dataDir: dir });
    expect((await store.list('rot')).filter((n) => n.startsWith('gwtok-'))).toHaveLength(1);
    const res = await runCli(['destroy', 'gateway/gw1'], env);
    expect(res.code, res.stderr).toBe(0);
    await waitFor('gateway processes gone', 60_000, async () => (await processesWithStateDir(stateDir)).length === 0);
    expect(await store.list('rot')).toEqual([]);
    expect((await audit()).filter((a) => a.action === 'secret.purge')).toMatchObject([{ actor: 'system:reconciler', diff: { gatewayAuth: 'deleted' } }]);
  }, 90_000);
});
