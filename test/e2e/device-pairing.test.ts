// Device pairing through Clawplane against one real OpenClaw gateway (process target): a simulated
// device (a real gateway client with its own Ed25519 identity) asks to pair, shows up pending in
// `clawplane devices list`, is approved, connects with its device token, gets that token rotated
// (old token refused) and revoked (refused); a second device is rejected. Clawplane's own probes
// never leave a pairing behind, and every action is audited. The same gateway takes secrets from
// the new providers (an exec command, a stub Vault KV v2 server — no real Vault can run here — and
// a per-gateway namespace of the local store): the values reach the gateway's environment and
// nowhere else (data dir, database, logs, HTTP responses, CLI output). The last step rotates every
// secret of the org in bulk and checks the rolling restart.
// Run under the shared lock: flock /tmp/clawplane-heavy.lock node scripts/run.mjs vitest run test/e2e/device-pairing.test.ts
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceList } from '../../src/core/ports/devices.ts';
import { type ServerProcess, runCli, startServerProcess } from '../helpers/cli.ts';
import { createSimDevice } from '../helpers/device-client.ts';
import { RUNTIMES_DIR, api, gatewayEnv, gatewayView, killTree, oneGatewayFleet, processesWithStateDir, waitFor } from '../helpers/e2e.ts';
import { scanForSecret, secretNeedles } from '../helpers/leak-scan.ts';

const port = 26000 + Math.floor(Math.random() * 40) * 50 + 25;

const EXEC_VALUE = 'e2e-exec-3f9a7c1e5b2d4a6f8e0c2b4d6a8f0e2c';
const VAULT_VALUE = 'e2e-vault-8c6e4a2f0d8b6f4d2b0f8d6b4f2d0b8f';
const SCOPED_VALUE = 'e2e-gwscope-5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b';
const ORG_VALUE = 'e2e-orgscope-never-used-by-gw1-0f1e2d3c4b5a';

// Every device needs an explicit approval, even on loopback (OpenClaw's default approves local devices silently).
const fleet = (desiredState: string) => `${oneGatewayFleet('pair', port).replace(`spec: { profile: usecase, port: ${port} }`, `spec: { profile: usecase, port: ${port}, desiredState: ${desiredState}, env: { E2E_EXEC: { secretRef: from-exec }, E2E_VAULT: { secretRef: from-vault }, E2E_SCOPED: { secretRef: scoped }, E2E_GENERATED: { secretRef: webhook } } }`)}---
kind: ConfigTemplate
metadata: { name: explicit-pairing }
spec: { scope: { kind: org }, content: "{ gateway: { nodes: { pairing: { autoApproveLocal: false } } } }" }
---
kind: Secret
metadata: { name: from-exec }
spec: { provider: exec, key: "apps/{gateway}/token" }
---
kind: Secret
metadata: { name: from-vault }
spec: { provider: vault, key: "clawplane/{gateway}", field: botToken }
---
kind: Secret
metadata: { name: scoped }
spec: { provider: local }
---
kind: Secret
metadata: { name: webhook }
spec: { provider: local, rotation: { generate: true, everyDays: 30 } }
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
    outputs.push(res.stdout, res.stderr);
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as DeviceList;
  };
  const cli = async (...args: string[]): Promise<string> => {
    const res = await runCli(args, env);
    outputs.push(res.stdout, res.stderr);
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
  let vault: Server;
  let toolsDir = '';
  const outputs: string[] = [];
  const dataDirInputs = async (): Promise<string[]> => {
    const gwDir = join(dir, 'gateways', 'pair--gw1');
    const top = (await readdir(dir)).filter((f) => f !== 'gateways').map((f) => join(dir, f));
    const gw = (await readdir(gwDir)).filter((f) => f !== 'state').map((f) => join(gwDir, f));
    return [...top, ...gw, join(stateDir, 'openclaw.json')];
  };
  const device = createSimDevice(port, 'sim-phone');
  const intruder = createSimDevice(port, 'sim-intruder');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-pair-'));
    stateDir = join(dir, 'gateways', 'pair--gw1', 'state');
    // A stub Vault KV v2 endpoint (GET /v1/secret/data/<path>, X-Vault-Token) and an exec "CLI".
    vault = createServer((req, res) => {
      const ok = req.headers['x-vault-token'] === 'hvs.e2e' && req.url === '/v1/secret/data/clawplane/gw1';
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { data: { data: { botToken: VAULT_VALUE }, metadata: { version: 1, deletion_time: '', destroyed: false } } } : { errors: [] }));
    });
    await new Promise<void>((r) => vault.listen(0, '127.0.0.1', r));
    // The exec "CLI" and the provider config live outside the data dir (the script holds a planted value).
    toolsDir = await mkdtemp(join(tmpdir(), 'clawplane-pair-tools-'));
    const script = join(toolsDir, 'exec-cli.mjs');
    await writeFile(script, `if (process.argv[2] === 'apps/gw1/token') process.stdout.write(${JSON.stringify(EXEC_VALUE)} + '\\n'); else process.exit(2);\n`);
    const providers = join(toolsDir, 'providers.json');
    await writeFile(providers, JSON.stringify({
      exec: { default: { command: process.execPath, args: [script, '{id}'] } },
      vault: { default: { address: `http://127.0.0.1:${(vault.address() as AddressInfo).port}`, tokenEnv: 'E2E_VAULT_TOKEN' } },
    }));
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR, CLAWPLANE_SECRETS_PROVIDERS: providers, E2E_VAULT_TOKEN: 'hvs.e2e' } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
    const file = join(dir, 'fleet.yaml');
    // Values first (the gateway's namespace needs the Gateway to exist), then start it once.
    await writeFile(file, fleet('stopped'));
    await cli('apply', '-f', file);
    await runCli(['secrets', 'set', 'scoped'], env, ORG_VALUE);
    await runCli(['secrets', 'set', 'scoped', '--gateway', 'gw1'], env, SCOPED_VALUE);
    await cli('secrets', 'set', 'webhook', '--generate');
    await writeFile(file, fleet('running'));
    await cli('apply', '-f', file);
    await waitFor('gateway ready', 120_000, ready());
    sharedToken = (await gatewayEnv(pidOf())).get('OPENCLAW_GATEWAY_TOKEN') ?? '';
  }, 150_000);
  afterAll(async () => {
    await new Promise<void>((r) => (vault ? vault.close(() => r()) : r()));
    await server?.stop('SIGKILL');
    killTree(await processesWithStateDir(stateDir));
    await rm(dir, { recursive: true, force: true });
    if (toolsDir) await rm(toolsDir, { recursive: true, force: true });
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

  it('provider values reach the gateway environment (namespaced) and nothing else', async () => {
    const gwEnv = await gatewayEnv(pidOf());
    expect(gwEnv.get('E2E_EXEC')).toBe(EXEC_VALUE);
    expect(gwEnv.get('E2E_VAULT')).toBe(VAULT_VALUE);
    expect(gwEnv.get('E2E_SCOPED')).toBe(SCOPED_VALUE); // gateway namespace wins over the org's
    const generated = gwEnv.get('E2E_GENERATED') ?? '';
    expect(generated.length).toBeGreaterThan(30);
    const reads = (await api<{ items: Audit[] }>(server.url, server.token, 'GET', '/v1/orgs/pair/audit?target=Gateway/gw1')).items.filter((a) => a.action === 'secret.read');
    expect(reads.at(-1)?.diff).toMatchObject({ names: ['from-exec', 'from-vault', 'scoped', 'webhook'] });
    const responses = [
      JSON.stringify(await api(server.url, server.token, 'GET', '/v1/orgs/pair/audit')),
      JSON.stringify(await api(server.url, server.token, 'GET', '/v1/orgs/pair/secret-values')),
      JSON.stringify(await api(server.url, server.token, 'GET', '/v1/orgs/pair/gateways/gw1')),
      JSON.stringify(await api(server.url, server.token, 'GET', '/v1/orgs/pair/gateways/gw1/explain')),
      await cli('secrets', 'list'), await cli('describe', 'gateway', 'gw1'),
    ];
    const leaks: string[] = [];
    for (const v of [EXEC_VALUE, VAULT_VALUE, SCOPED_VALUE, generated, sharedToken]) {
      const needles = secretNeedles(v);
      for (const [i, text] of [...responses, ...outputs, server.logs()].entries()) if (needles.some((n) => Buffer.from(text).includes(n))) leaks.push(`output #${i} holds a planted value`);
      // The whole data dir (database, secrets store, process records, gateway logs, rendered config)
      // except the OpenClaw state dir, which is the gateway's own, plus the config Clawplane writes there.
      for (const f of await scanForSecret(await dataDirInputs(), v)) leaks.push(`${f} holds a planted value`);
    }
    expect(leaks).toEqual([]);
  }, 60_000);

  it('bulk rotation renews generated values and gateway tokens, restarting gateways one at a time', async () => {
    const before = await gatewayEnv(pidOf());
    const pid = pidOf();
    const out = await cli('secrets', 'rotate', '--all');
    expect(out).toContain('secret/webhook rotated (version 2)');
    expect(out).toContain('secret/scoped not rotated');
    expect(out).toMatch(/gateway\/gw1 token rotated \(version 2\); restarted, ready/);
    expect(out).toContain('done: 1 gateway(s) restarted');
    expect(pidOf()).not.toBe(pid);
    const after = await gatewayEnv(pidOf());
    expect(after.get('OPENCLAW_GATEWAY_TOKEN')).not.toBe(before.get('OPENCLAW_GATEWAY_TOKEN'));
    expect(after.get('E2E_GENERATED')).not.toBe(before.get('E2E_GENERATED'));
    expect(after.get('E2E_SCOPED')).toBe(SCOPED_VALUE);
    const rotations = (await api<{ items: Audit[] }>(server.url, server.token, 'GET', '/v1/orgs/pair/audit')).items.filter((a) => a.action === 'secret.rotate');
    expect(rotations.map((a) => [a.target, a.actor, (a.diff as { cause?: string }).cause])).toEqual([['Secret/webhook', 'admin', 'bulk'], ['Gateway/gw1', 'admin', 'bulk']]);
    for (const v of [before.get('E2E_GENERATED')!, after.get('E2E_GENERATED')!, after.get('OPENCLAW_GATEWAY_TOKEN')!]) {
      expect(server.logs()).not.toContain(v);
      expect(JSON.stringify(rotations)).not.toContain(v);
      expect(out).not.toContain(v);
    }
    // Still no pairing of Clawplane's own after all its probes and the restart: only the simulated devices appear.
    const list = await devices();
    expect([...list.pending, ...list.paired].filter((d) => d.deviceId !== device.deviceId && d.deviceId !== intruder.deviceId)).toEqual([]);
  }, 200_000);
});
