// The Kubernetes RuntimeDriver against a STUB API server (test/helpers/stub-kube-api.ts; no
// kube-apiserver can run here). Asserts the exact requests (paths, fieldManager, force, content
// types, propagationPolicy) and the status mapping, following the RuntimeDriver conformance steps
// that make sense without a kubelet: missing → start → idempotent start → writeFiles → list + logs
// → logs follow → stats (metrics API, and without one) → exec (WebSocket channel protocol) → stop → restart → crash → re-adopt → remove (archive / delete). Readiness of a real gateway from
// these manifests is covered by test/e2e/container-exports.test.ts (podman kube play).
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXEC_OUTPUT_LIMIT } from '../../src/core/exec-command.ts';
import { minimalOpenClawDeployment } from './runtime-conformance.ts';
import { type KubernetesDriver, createKubernetesDriver } from '../../src/runtimes/kubernetes/kube-driver.ts';
import type { GatewayDeployment } from '../../src/core/ports/runtime.ts';
import { type StubKubeApi, startStubKubeApi } from '../helpers/stub-kube-api.ts';

let stub: StubKubeApi;
let driver: KubernetesDriver;
const token = 'stub-token-value-1234567890';
const id = 'acme--k8s-gw';
let deployment: GatewayDeployment;

function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'stub', server: url, skipTLSVerify: true }],
    users: [{ name: 'stub', token: 'stub-bearer' }],
    contexts: [{ name: 'stub', cluster: 'stub', user: 'stub', namespace: 'default' }],
    currentContext: 'stub',
  });
  return kc;
}

function since(n: number) {
  return stub.requests.slice(n).filter((r) => !/^\/apis?\/[^/]+(\/v1)?$/.test(r.path));
}

beforeAll(async () => {
  stub = await startStubKubeApi();
  driver = createKubernetesDriver({ kubeConfig: kubeConfigFor(stub.url), endpointFor: (ns, gw, port) => ({ host: `${gw}.${ns}.svc.cluster.local`, port }) });
  deployment = {
    ...minimalOpenClawDeployment({ id, port: 18800, version: '2026.9.6', token, stateDir: driver.stateDirFor(id) }),
    kubernetes: { exposure: 'loopback', egressHosts: ['api.anthropic.com'] },
    resources: { memoryMiB: 1536 },
  };
});
afterAll(async () => stub.close());

describe('Kubernetes driver (stub API server)', () => {
  it('reports an unknown gateway as missing, looking it up by ownership labels in every namespace', async () => {
    const n = stub.requests.length;
    expect((await driver.observe(id)).phase).toBe('missing');
    const list = since(n).find((r) => r.path === '/apis/apps/v1/statefulsets');
    expect(list?.query.labelSelector).toBe('app.kubernetes.io/managed-by=clawplane,clawplane.dev/org=acme,clawplane.dev/gateway=k8s-gw');
  });

  it('start: server-side applies namespace + six objects with fieldManager clawplane, then observes the pod running', async () => {
    const n = stub.requests.length;
    const obs = await driver.start(deployment);
    expect(obs.phase).toBe('running');
    expect(obs.specHash).toBe(deployment.specHash);
    const patches = since(n).filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/clawplane-acme',
      '/api/v1/namespaces/clawplane-acme/configmaps/k8s-gw-config',
      '/api/v1/namespaces/clawplane-acme/secrets/k8s-gw-secrets',
      '/api/v1/namespaces/clawplane-acme/services/k8s-gw',
      '/apis/networking.k8s.io/v1/namespaces/clawplane-acme/networkpolicies/k8s-gw',
      '/apis/policy/v1/namespaces/clawplane-acme/poddisruptionbudgets/k8s-gw',
      '/apis/apps/v1/namespaces/clawplane-acme/statefulsets/k8s-gw',
    ]);
    for (const p of patches) {
      expect(p.contentType).toBe('application/apply-patch+yaml');
      expect(p.query).toMatchObject({ fieldManager: 'clawplane', force: 'false' });
    }
    const secret = stub.get('secrets', 'clawplane-acme', 'k8s-gw-secrets') as unknown as { data: Record<string, string> };
    expect(Buffer.from(secret.data.OPENCLAW_GATEWAY_TOKEN ?? '', 'base64').toString()).toBe(token);
    // the token is only in the Secret, never in the ConfigMap / StatefulSet
    for (const p of patches.filter((r) => !r.path.includes('/secrets/'))) expect(JSON.stringify(p.body)).not.toContain(token);
    const sts = stub.get('statefulsets', 'clawplane-acme', 'k8s-gw') as unknown as { spec: { template: { spec: { containers: { resources: unknown }[] } } } };
    expect(sts.spec.template.spec.containers[0]?.resources).toEqual({ requests: { memory: '1536Mi', cpu: '250m' }, limits: { memory: '1536Mi' } });
    expect(await driver.readConfig(id)).toBe(deployment.files['openclaw.json']);
    expect(driver.endpoint(id, 18800)).toEqual({ host: 'k8s-gw.clawplane-acme.svc.cluster.local', port: 18800 });
  });

  it('start with the same spec is a no-op for the running pod', async () => {
    const before = await driver.observe(id);
    const again = await driver.start(deployment);
    expect(again.phase).toBe('running');
    expect(again.startedAt).toBe(before.startedAt);
  });

  it('writeFiles applies only the ConfigMap', async () => {
    const n = stub.requests.length;
    const text = deployment.files['openclaw.json']!.replace('claude-sonnet-4-6', 'claude-opus-4-6');
    await driver.writeFiles({ ...deployment, files: { 'openclaw.json': text } });
    expect(since(n).filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual(['/api/v1/namespaces/clawplane-acme/configmaps/k8s-gw-config']);
    expect(await driver.readConfig(id)).toBe(text);
    expect((await driver.observe(id)).phase).toBe('running');
  });

  it('lists the gateway and reads its logs through the pod log API', async () => {
    expect((await driver.observeAll()).map((o) => o.id)).toContain(id);
    const n = stub.requests.length;
    const lines: string[] = [];
    for await (const l of driver.logs(id, { tailLines: 5 })) lines.push(l);
    expect(lines).toHaveLength(5);
    const req = since(n).find((r) => r.path.endsWith('/log'));
    expect(req?.path).toBe('/api/v1/namespaces/clawplane-acme/pods/k8s-gw-0/log');
    expect(req?.query).toMatchObject({ container: 'gateway', tailLines: '5' });
  });

  it('follows the log: lines written after the call arrive; abort ends the stream and closes the connection', async () => {
    const ac = new AbortController();
    const n = stub.requests.length;
    const got: string[] = [];
    const it = driver.logs(id, { tailLines: 2, follow: true, signal: ac.signal })[Symbol.asyncIterator]();
    const next = async () => {
      const r = await it.next();
      if (!r.done) got.push(r.value);
      return r;
    };
    await next();
    await next();
    expect(got).toEqual(['stub kubelet: k8s-gw-0 gateway line 1', 'stub kubelet: k8s-gw-0 gateway line 2']);
    const req = since(n).find((r) => r.path.endsWith('/log'));
    expect(req?.query).toMatchObject({ container: 'gateway', follow: 'true', tailLines: '2' });
    // Nothing more until the "kubelet" writes: the stream stays open, the next line is a later one.
    const pending = next();
    await new Promise((r) => setTimeout(r, 50));
    expect(stub.openLogStreams()).toBe(1);
    expect(stub.appendLog('clawplane-acme', 'k8s-gw-0', 'written after the call')).toBe(1);
    await pending;
    expect(got[2]).toBe('written after the call');
    // Aborting while waiting for the next line ends the iteration (no line is coming).
    const waiting = next();
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect((await waiting).done).toBe(true);
    await vi.waitFor(() => expect(stub.openLogStreams()).toBe(0), { timeout: 2000 });
  });

  it('follow of a pod that does not exist ends at once; an aborted signal does not even ask', async () => {
    const lines: string[] = [];
    for await (const l of driver.logs('acme--no-such-gw', { follow: true })) lines.push(l);
    expect(lines).toEqual([]);
    const n = stub.requests.length;
    const ac = new AbortController();
    ac.abort();
    for await (const l of driver.logs(id, { follow: true, signal: ac.signal })) lines.push(l);
    expect(lines).toEqual([]);
    expect(since(n).filter((r) => r.path.endsWith('/log'))).toEqual([]);
  });

  it('stats: CPU and memory of the gateway container from PodMetrics, restarts from the pod', async () => {
    stub.setPodMetrics('clawplane-acme', 'k8s-gw-0', [{ name: 'gateway', cpu: '250m', memory: '128Mi' }]);
    const n = stub.requests.length;
    expect(await driver.stats(id)).toEqual({ cpuPercent: 25, memoryBytes: 128 * 1024 * 1024, restarts: 0 });
    expect(since(n).map((r) => `${r.method} ${r.path}`)).toContain('GET /apis/metrics.k8s.io/v1beta1/namespaces/clawplane-acme/pods/k8s-gw-0');
    stub.setPodMetrics('clawplane-acme', 'k8s-gw-0', [{ name: 'gateway', cpu: '1500000n', memory: '1Gi' }]);
    expect(await driver.stats(id)).toMatchObject({ cpuPercent: 0.15, memoryBytes: 1024 ** 3 });
  });

  it('stats without metrics-server (metrics API 404) or before its first sample: restarts only, saying why', async () => {
    stub.setMetricsApi(false);
    try {
      expect(await driver.stats(id)).toEqual({ restarts: 0, unavailable: 'the cluster serves no metrics API (metrics.k8s.io/v1beta1): install metrics-server for CPU and memory' });
    } finally {
      stub.setMetricsApi(true);
    }
    stub.setPodMetrics('clawplane-acme', 'k8s-gw-0', undefined);
    expect(await driver.stats(id)).toEqual({ restarts: 0, unavailable: 'metrics-server has no sample for pod k8s-gw-0 yet' });
    expect(await driver.stats('acme--no-such-gw')).toEqual({});
  });

  it('execCommand: argv over pods/exec (WebSocket, v5 channel protocol), stdout/stderr/exit code from the status channel', async () => {
    const n = stub.requests.length;
    expect(await driver.execCommand(id, ['echo', 'hi', 'there'])).toEqual({ exitCode: 0, stdout: 'hi there\n', stderr: '', truncated: false, timedOut: false });
    const req = since(n).find((r) => r.path.endsWith('/exec'));
    expect(req).toMatchObject({ path: '/api/v1/namespaces/clawplane-acme/pods/k8s-gw-0/exec', command: ['echo', 'hi', 'there'], protocol: 'v5.channel.k8s.io' });
    expect(req?.query).toMatchObject({ container: 'gateway', stdout: 'true', stderr: 'true', stdin: 'false', tty: 'false' });
    expect(await driver.execCommand(id, ['false'])).toMatchObject({ exitCode: 1, stdout: '', stderr: '', timedOut: false });
    expect(await driver.execCommand(id, ['stub-stderr', 'oops\n', '3'])).toMatchObject({ exitCode: 3, stdout: '', stderr: 'oops\n' });
    const missing = await driver.execCommand(id, ['no-such-program']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('executable file not found');
    await vi.waitFor(() => expect(stub.openExecSockets()).toBe(0), { timeout: 2000 });
  });

  it('execCommand falls back to v4.channel.k8s.io and caps output like the docker driver', async () => {
    stub.setExecProtocols(['v4.channel.k8s.io']);
    try {
      const n = stub.requests.length;
      expect(await driver.execCommand(id, ['echo', 'v4'])).toMatchObject({ exitCode: 0, stdout: 'v4\n' });
      expect(since(n).find((r) => r.path.endsWith('/exec'))?.protocol).toBe('v4.channel.k8s.io');
    } finally {
      stub.setExecProtocols(['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    }
    const big = await driver.execCommand(id, ['stub-bytes', String(EXEC_OUTPUT_LIMIT + 1000)]);
    expect(big.exitCode).toBe(0);
    expect(big.truncated).toBe(true);
    expect(big.stdout.length).toBe(EXEC_OUTPUT_LIMIT);
  });

  it('execCommand times out: the socket is closed and timedOut reported; a stopped gateway is "not running"', async () => {
    const t0 = Date.now();
    const r = await driver.execCommand(id, ['sleep', '30'], { timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r).toMatchObject({ exitCode: null, stdout: '', timedOut: true });
    expect(r.stderr).toContain('timed out after 300 ms');
    await vi.waitFor(() => expect(stub.openExecSockets()).toBe(0), { timeout: 3000 });
    await expect(driver.execCommand(id, [])).rejects.toThrow(/non-empty argument array/);
    await expect(driver.execCommand('acme--no-such-gw', ['echo'])).rejects.toThrow('gateway acme--no-such-gw is not running');
  });

  it('restart bumps the pod template annotation (merge patch, own ops manager) and the pod is replaced', async () => {
    const before = await driver.observe(id);
    await new Promise((r) => setTimeout(r, 5));
    const n = stub.requests.length;
    await driver.restart(id);
    const p = since(n).find((r) => r.method === 'PATCH');
    expect(p?.contentType).toBe('application/merge-patch+json');
    expect(p?.query.fieldManager).toBe('clawplane-ops');
    expect(JSON.stringify(p?.body)).toContain('clawplane.dev/restartedAt');
    const after = await driver.observe(id);
    expect(after.phase).toBe('running');
    expect(after.startedAt).not.toBe(before.startedAt);
  });

  it('maps a crash loop to exited with the exit code and restart count', async () => {
    stub.setContainerStatus('clawplane-acme', 'k8s-gw-0', { ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 78 } } });
    expect(await driver.observe(id)).toMatchObject({ phase: 'exited', exitCode: 78, restarts: 3 });
    const n = stub.requests.length;
    await driver.kill(id);
    expect(since(n).find((r) => r.method === 'DELETE')).toMatchObject({ method: 'DELETE', path: '/api/v1/namespaces/clawplane-acme/pods/k8s-gw-0', query: { gracePeriodSeconds: '0' } });
    expect((await driver.observe(id)).phase).toBe('running');
  });

  it('forces a conflict only against its own managers; a foreign manager is refused by name', async () => {
    stub.claimField('configmaps', 'clawplane-acme', 'k8s-gw-config', 'clawplane-ops', '.data');
    let n = stub.requests.length;
    await driver.writeFiles(deployment);
    expect(since(n).filter((r) => r.method === 'PATCH').map((r) => r.query.force)).toEqual(['false', 'true']);
    stub.claimField('configmaps', 'clawplane-acme', 'k8s-gw-config', 'kubectl-edit', '.data.openclaw.json');
    n = stub.requests.length;
    await expect(driver.writeFiles(deployment)).rejects.toThrow(/conflicts with fields managed by kubectl-edit/);
    expect(since(n).filter((r) => r.method === 'PATCH').map((r) => r.query.force)).toEqual(['false']);
  });

  it('stop scales to 0 and is observed stopped', async () => {
    const n = stub.requests.length;
    await driver.stop(id);
    expect(since(n).find((r) => r.method === 'PATCH')).toMatchObject({ path: '/apis/apps/v1/namespaces/clawplane-acme/statefulsets/k8s-gw', contentType: 'application/merge-patch+json', body: { spec: { replicas: 0 } } });
    expect((await driver.observe(id)).phase).toBe('stopped');
  });

  it('a new driver instance re-adopts by labels (custom namespace too) and ignores unlabelled StatefulSets', async () => {
    stub.put('statefulsets', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'someone-else', namespace: 'clawplane-acme', labels: { app: 'db' } }, spec: { replicas: 1, template: { metadata: {} } } });
    const other: GatewayDeployment = { ...minimalOpenClawDeployment({ id: 'acme--team-gw', port: 18800, version: '2026.9.6', token, stateDir: driver.stateDirFor(id) }), kubernetes: { namespace: 'team-ns' } };
    await driver.start(other);
    const fresh = createKubernetesDriver({ kubeConfig: kubeConfigFor(stub.url) });
    const all = await fresh.observeAll();
    expect(all.map((o) => o.id).sort()).toEqual(['acme--k8s-gw', 'acme--team-gw']);
    const fresh2 = createKubernetesDriver({ kubeConfig: kubeConfigFor(stub.url) });
    expect(await fresh2.namespaceOf('acme--team-gw')).toBe('team-ns');
    expect((await fresh2.observe('acme--team-gw')).phase).toBe('running');
    expect(await fresh2.readConfig('acme--team-gw')).toBe(other.files['openclaw.json']);
    await fresh2.remove('acme--team-gw', { archive: false });
  });

  it('removes with Foreground propagation; archive keeps and labels the state PVC, otherwise it is deleted', async () => {
    const n = stub.requests.length;
    const res = await driver.remove(id, { archive: true });
    expect(res.archive).toBe('pvc/clawplane-acme/state-k8s-gw-0');
    const deletes = since(n).filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.path)).toEqual([
      '/apis/apps/v1/namespaces/clawplane-acme/statefulsets/k8s-gw',
      '/apis/policy/v1/namespaces/clawplane-acme/poddisruptionbudgets/k8s-gw',
      '/apis/networking.k8s.io/v1/namespaces/clawplane-acme/networkpolicies/k8s-gw',
      '/api/v1/namespaces/clawplane-acme/services/k8s-gw',
      '/api/v1/namespaces/clawplane-acme/secrets/k8s-gw-secrets',
      '/api/v1/namespaces/clawplane-acme/configmaps/k8s-gw-config',
    ]);
    for (const d of deletes) expect(d.query.propagationPolicy).toBe('Foreground');
    expect((stub.get('persistentvolumeclaims', 'clawplane-acme', 'state-k8s-gw-0') as { metadata: { labels: Record<string, string> } }).metadata.labels['clawplane.dev/archived']).toBeTruthy();
    expect((await driver.observe(id)).phase).toBe('missing');
    expect((await driver.observeAll()).map((o) => o.id)).not.toContain(id);
    expect(stub.get('persistentvolumeclaims', 'team-ns', 'state-team-gw-0')).toBeUndefined();
  });
});

describe('kubernetesDriverFromEnv', () => {
  it('is off without a kubeconfig and talks to the configured cluster with one', async () => {
    const { kubernetesDriverFromEnv } = await import('../../src/composition/kubernetes-driver.ts');
    expect(kubernetesDriverFromEnv({})).toBeUndefined();
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'kubecfg-'));
    const file = join(dir, 'config');
    writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters: [{name: stub, cluster: {server: "${stub.url}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: stub, user: u}}]\ncurrent-context: c\n`);
    try {
      const d = kubernetesDriverFromEnv({ CLAWPLANE_KUBECONFIG: file });
      expect(d?.target).toBe('kubernetes');
      expect((await d!.observe('acme--nothing-here')).phase).toBe('missing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
