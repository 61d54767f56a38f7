// A kubernetes-target gateway through the real CLI and a real `clawplane serve`, with
// CLAWPLANE_KUBECONFIG pointing at a STUB Kubernetes API server (test/helpers/stub-kube-api.ts):
// no kube-apiserver can run on these machines, so the stub is the one stand-in. It records every
// request and simulates the StatefulSet controller and the kubelet's Ready condition; it runs no
// containers (the manifests themselves run for real under `podman kube play` in
// test/e2e/container-exports.test.ts).
//   apply → server-side apply of the gateway's objects (fieldManager clawplane) → not ready until
//   the stub marks the pod Ready → `get gateways` shows it running/ready → destroy → Foreground
//   deletes; the gateway token is only in the Secret sent to the stub. Without a cluster the gateway
//   is reported (warning at apply, failed status naming CLAWPLANE_KUBECONFIG), never run elsewhere.
//   `top`, `logs -f` and `exec` on the kubernetes gateway go through the metrics API, a followed
//   pod log stream and pods/exec over WebSocket of the stub (scripted programs, no container).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, runCli, spawnCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, api, waitFor } from '../helpers/e2e.ts';
import { scanForSecret } from '../helpers/leak-scan.ts';
import { type StubKubeApi, startStubKubeApi } from '../helpers/stub-kube-api.ts';

const org = `kt${Math.floor(Math.random() * 1e6)}`;
const ns = `clawplane-${org}`;
const fleet = `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: ${org} }
spec: { displayName: Kubernetes target, defaults: { runtime: { kind: openclaw, version: "2026.9.6" } } }
---
kind: Gateway
metadata: { name: gw1 }
spec: { profile: usecase, port: 18789, target: { kind: kubernetes } }
---
kind: Agent
metadata: { name: helper, gateway: gw1 }
spec: { kind: usecase, purpose: Helps, model: anthropic/claude-sonnet-4-6 }
`;

interface GatewayJson { status?: { lifecycle?: string; health?: { ready?: boolean; error?: string }; message?: string; target?: string } }

const baseEnv = { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR, CLAWPLANE_DOCKER_HOST: 'none', KUBECONFIG: '' };

describe('kubernetes target through clawplane serve (stub Kubernetes API)', () => {
  let dir: string;
  let stub: StubKubeApi;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let token = '';
  const gw = () => api<GatewayJson>(server.url, server.token, 'GET', `/v1/orgs/${org}/gateways/gw1`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-k8s-target-'));
    stub = await startStubKubeApi({ podsStartReady: false });
    // plain http to the stub: @kubernetes/client-node then insists on insecure-skip-tls-verify
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: stub, cluster: {server: "${stub.url}", insecure-skip-tls-verify: true}}]\nusers: [{name: cp, user: {token: stub-bearer}}]\ncontexts: [{name: stub, context: {cluster: stub, user: cp}}]\ncurrent-context: stub\n`);
    server = await startServerProcess(join(dir, 'data'), { env: { ...baseEnv, CLAWPLANE_KUBECONFIG: kubeconfig } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await stub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('apply → server-side apply of the gateway objects; not ready until the pod is Ready; then running/ready', async () => {
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleet);
    const applied = await runCli(['apply', '-f', file], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toContain('warning');
    await waitFor('StatefulSet applied', 90_000, async () => stub.get('pods', ns, 'gw1-0') !== undefined);
    const patches = stub.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual(expect.arrayContaining([
      `/api/v1/namespaces/${ns}`,
      `/api/v1/namespaces/${ns}/configmaps/gw1-config`,
      `/api/v1/namespaces/${ns}/secrets/gw1-secrets`,
      `/api/v1/namespaces/${ns}/services/gw1`,
      `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/gw1`,
      `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/gw1`,
      `/apis/apps/v1/namespaces/${ns}/statefulsets/gw1`,
    ]));
    for (const p of patches) {
      expect(p.contentType).toBe('application/apply-patch+yaml');
      expect(p.query).toMatchObject({ fieldManager: 'clawplane', force: 'false' });
    }
    // The pod runs but its readiness probe has not passed: the gateway is not ready, and the
    // reconciler keeps reading the pod from the API (no HTTP probe: the pod is unreachable here).
    await waitFor('started, not ready', 30_000, async () => (await gw()).status?.health?.ready === false);
    const podReads = () => stub.requests.filter((r) => r.method === 'GET' && r.path === `/api/v1/namespaces/${ns}/pods/gw1-0`).length;
    const reads = podReads();
    await new Promise((r) => setTimeout(r, 2500));
    expect(podReads()).toBeGreaterThan(reads);
    const before = await gw();
    expect(before.status?.health?.ready).toBe(false);
    expect(before.status?.lifecycle).toBe('creating');
    expect(stub.setPodReady(ns, 'gw1-0', true)).toBe(true);
    await waitFor('gateway ready from the pod Ready condition', 60_000, async () => {
      const g = await gw();
      return g.status?.lifecycle === 'running' && g.status.health?.ready === true;
    });
    const table = await runCli(['get', 'gateways'], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/gw1\s+running\s+2026\.9\.6\s+\d+\s+1\s+ready/);
    const secret = stub.get('secrets', ns, 'gw1-secrets') as unknown as { data: Record<string, string> };
    token = Buffer.from(secret.data.OPENCLAW_GATEWAY_TOKEN ?? '', 'base64').toString('utf8');
    expect(token.length).toBeGreaterThan(20);
  });

  it('the gateway token is only in the Secret sent to the stub: not in other objects, API responses, logs or the data dir', async () => {
    for (const r of stub.requests.filter((x) => x.body !== undefined && !x.path.endsWith('/secrets/gw1-secrets'))) {
      expect(JSON.stringify(r.body), r.path).not.toContain(token);
    }
    const b64 = Buffer.from(token).toString('base64');
    for (const o of stub.objects.values()) if (o.kind !== 'Secret') expect(JSON.stringify(o)).not.toContain(b64);
    const responses = [
      await runCli(['get', 'gateway', 'gw1', '-o', 'json'], env),
      await runCli(['audit', 'list', '-o', 'json', '--limit', '1000'], env),
      await runCli(['logs', 'gateway/gw1', '--tail', '5'], env),
    ];
    for (const r of responses) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(token);
    }
    expect(responses[2]!.stdout).toContain('stub kubelet: gw1-0');
    expect(server.logs()).not.toContain(token);
    expect(await scanForSecret([join(dir, 'data')], token)).toEqual([]);
    // Nothing ran on the process target.
    expect(existsSync(join(dir, 'data', 'gateways', `${org}--gw1`))).toBe(false);
  });

  it('top gateway/NAME: CPU and memory from the metrics API, restarts; without metrics-server it says so', async () => {
    stub.setPodMetrics(ns, 'gw1-0', [{ name: 'gateway', cpu: '250m', memory: '128Mi' }]);
    const live = await runCli(['top', 'gateway/gw1', '-o', 'json'], env);
    expect(live.code, live.stderr).toBe(0);
    const row = JSON.parse(live.stdout) as { target: string; phase: string; ready: boolean; restarts: number; stats?: { cpuPercent?: number; memoryBytes?: number; unavailable?: string } };
    expect(row).toMatchObject({ target: 'kubernetes', phase: 'running', ready: true, restarts: 0, stats: { cpuPercent: 25, memoryBytes: 134_217_728, restarts: 0 } });
    expect(stub.requests.some((r) => r.path === `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods/gw1-0`)).toBe(true);
    const table = await runCli(['top', 'gateway/gw1'], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/gw1\s+kubernetes\s+running\s+true\s+25\.0\s+128Mi\s+-\s+0/);
    stub.setMetricsApi(false);
    try {
      const bare = await runCli(['top', 'gateway/gw1'], env);
      expect(bare.code, bare.stderr).toBe(0);
      expect(bare.stdout).toMatch(/gw1\s+kubernetes\s+running\s+true\s+-\s+-\s+-\s+0/);
      expect(bare.stderr).toContain('gw1: no CPU/memory figures: the cluster serves no metrics API (metrics.k8s.io/v1beta1): install metrics-server');
    } finally {
      stub.setMetricsApi(true);
    }
  });

  it('logs -f streams lines the pod writes after the command started, until the CLI is stopped', async () => {
    const follower = spawnCli(['logs', 'gateway/gw1', '-f', '--tail', '3'], env);
    try {
      await waitFor('tail of the followed log', 30_000, async () => follower.stdout().includes('stub kubelet: gw1-0 gateway line 3'));
      await waitFor('follow stream open at the stub', 10_000, async () => stub.openLogStreams() === 1);
      expect(stub.requests.filter((r) => r.path === `/api/v1/namespaces/${ns}/pods/gw1-0/log`).at(-1)?.query).toMatchObject({ follow: 'true', tailLines: '3', container: 'gateway' });
      expect(stub.appendLog(ns, 'gw1-0', 'a line written after logs -f started')).toBe(1);
      await waitFor('streamed line', 10_000, async () => follower.stdout().includes('a line written after logs -f started'));
    } finally {
      follower.child.kill('SIGTERM');
    }
    await follower.exited;
    // The CLI hung up: the server aborts its follow, and the driver closes the pod log stream.
    await waitFor('pod log stream closed', 10_000, async () => stub.openLogStreams() === 0);
  });

  it('exec gateway/NAME -- CMD: runs over pods/exec, exits with the command\'s code, audited', async () => {
    const hi = await runCli(['exec', 'gateway/gw1', '--', 'echo', 'hi'], env);
    expect(hi.code, hi.stderr).toBe(0);
    expect(hi.stdout).toBe('hi\n');
    const req = stub.requests.filter((r) => r.path === `/api/v1/namespaces/${ns}/pods/gw1-0/exec`).at(-1);
    expect(req).toMatchObject({ command: ['echo', 'hi'], protocol: 'v5.channel.k8s.io' });
    const failed = await runCli(['exec', 'gateway/gw1', '--', 'stub-stderr', 'bad thing', '4'], env);
    expect(failed.code).toBe(4);
    expect(failed.stderr).toContain('bad thing');
    const slow = await runCli(['exec', 'gateway/gw1', '--timeout', '1', '--', 'sleep', '30'], env);
    expect(slow.code).toBe(124);
    expect(slow.stderr).toContain('(killed after 1 s)');
    await waitFor('exec socket closed', 10_000, async () => stub.openExecSockets() === 0);
    const audit = await api<{ items: { action: string; diff: { command?: string[]; target?: string } }[] }>(server.url, server.token, 'GET', `/v1/orgs/${org}/audit?target=Gateway/gw1&limit=1000`);
    expect(audit.items.filter((e) => e.action === 'gateway.exec').map((e) => [e.diff.command?.[0], e.diff.target])).toEqual(expect.arrayContaining([['echo', 'kubernetes'], ['stub-stderr', 'kubernetes'], ['sleep', 'kubernetes']]));
  });

  it('destroy → every object deleted with propagationPolicy Foreground; the state PVC is kept, labelled archived', async () => {
    const n = stub.requests.length;
    const res = await runCli(['destroy', 'gateway/gw1'], env);
    expect(res.code, res.stderr).toBe(0);
    // (The reconciler may remove it first, seeing the resource gone; either way the same driver call.)
    expect(res.stdout).toContain('gateway/gw1: destroyed');
    await waitFor('statefulset gone', 30_000, async () => stub.get('statefulsets', ns, 'gw1') === undefined);
    const deletes = stub.requests.slice(n).filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.path)).toEqual(expect.arrayContaining([
      `/apis/apps/v1/namespaces/${ns}/statefulsets/gw1`,
      `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/gw1`,
      `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/gw1`,
      `/api/v1/namespaces/${ns}/services/gw1`,
      `/api/v1/namespaces/${ns}/secrets/gw1-secrets`,
      `/api/v1/namespaces/${ns}/configmaps/gw1-config`,
    ]));
    for (const d of deletes) expect(d.query.propagationPolicy).toBe('Foreground');
    expect(stub.get('secrets', ns, 'gw1-secrets')).toBeUndefined();
    const pvc = stub.get('persistentvolumeclaims', ns, 'state-gw1-0') as { metadata: { labels: Record<string, string> } } | undefined;
    expect(pvc?.metadata.labels['clawplane.dev/archived']).toBeTruthy();
  });

  it('without a cluster: apply warns, the gateway fails naming CLAWPLANE_KUBECONFIG, nothing runs on another target', async () => {
    const data = join(dir, 'data-nocluster');
    const bare = await startServerProcess(data, { env: baseEnv });
    try {
      const e = { CLAWPLANE_URL: bare.url, CLAWPLANE_TOKEN: bare.token };
      const file = join(dir, 'fleet.yaml');
      const applied = await runCli(['apply', '-f', file], e);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stderr).toMatch(/warning: gateway gw1 targets kubernetes, but no Kubernetes cluster is configured.*CLAWPLANE_KUBECONFIG/);
      const g = await waitFor('failed status', 60_000, async () => {
        const v = await api<GatewayJson>(bare.url, bare.token, 'GET', `/v1/orgs/${org}/gateways/gw1`);
        return v.status?.message?.includes('CLAWPLANE_KUBECONFIG') ? v : undefined;
      });
      expect(g.status?.message).toContain('target kubernetes is not available');
      expect(g.status?.lifecycle).toBe('failed');
      const table = await runCli(['get', 'gateways', '-o', 'wide'], e);
      expect(table.stdout).toMatch(/gw1\s+failed\s.*kubernetes.*CLAWPLANE_KUBECONFIG/);
      expect(existsSync(join(data, 'gateways', `${org}--gw1`))).toBe(false);
    } finally {
      await bare.stop('SIGKILL');
    }
  });
});
