import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CONTAINER_STATE_DIR, type GatewayContainerSpec, buildGatewayContainer } from '../containers/gateway-container.ts';
import { parseFleet } from '../fleet-file.ts';
import { planFleet } from '../plan-fleet.ts';
import { exportKubernetes } from './export-kubernetes.ts';
import { buildGatewayManifests, manifestList } from './gateway-manifests.ts';
import type { KubeObject } from './kube-object.ts';
import { toKubePlay } from './kube-play.ts';
import { validateKubeObject, validateKubeObjects } from './validate-manifests.ts';

const root = new URL('../../../', import.meta.url);
const goldenDir = new URL('test/fixtures/golden/k8s/', root);

/** Container specs of examples/fleet.yaml with fixed stand-in files (rendering is the adapter's job). */
export function exampleContainers(network: 'pod' | 'host' = 'pod'): { container: GatewayContainerSpec; namespace?: string }[] {
  const parsed = parseFleet(readFileSync(new URL('examples/fleet.yaml', root), 'utf8'), 'fleet.yaml');
  expect(parsed.issues).toEqual([]);
  const plan = planFleet(parsed.documents, { stateDirFor: () => CONTAINER_STATE_DIR, defaultRuntimeVersion: '2026.9.6' });
  return plan.gateways.map((p) => ({
    container: buildGatewayContainer({
      effective: p.effective,
      files: { 'openclaw.json': `{"gateway":{"port":${p.effective.port}}}\n`, [`workspaces/${p.effective.agents[0]?.agentId ?? 'main'}/SOUL.md`]: 'Be kind.\n' },
      envNames: ['OPENCLAW_GATEWAY_TOKEN', ...p.effective.accounts.map((a) => `${a.spec.channel.toUpperCase()}_${a.spec.accountId.toUpperCase()}_BOT_TOKEN`)],
      network,
    }),
  }));
}

function containersOf(o: KubeObject): Record<string, unknown>[] {
  const spec = (o.kind === 'Pod' ? o.spec : (o.spec as { template: { spec: unknown } }).template.spec) as { containers: Record<string, unknown>[]; initContainers?: Record<string, unknown>[] };
  return [...spec.containers, ...(spec.initContainers ?? [])];
}

describe('Kubernetes manifests', () => {
  it('match the golden files for examples/fleet.yaml and validate against the Kubernetes schemas', () => {
    const result = exportKubernetes(exampleContainers());
    expect(result.issues).toEqual([]);
    expect(Object.keys(result.files).sort()).toEqual(['README.md', 'clawplane-acme/alice-gw.yaml', 'clawplane-acme/namespace.yaml', 'clawplane-acme/support-gw.yaml']);
    for (const [path, content] of Object.entries(result.files)) {
      const file = new URL(path, goldenDir);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        mkdirSync(dirname(file.pathname), { recursive: true });
        writeFileSync(file, content);
      }
      expect(content, path).toBe(readFileSync(file, 'utf8'));
    }
    const docs = parseAllDocuments(result.files['clawplane-acme/support-gw.yaml'] ?? '').map((d) => d.toJS() as KubeObject);
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'StatefulSet']);
    expect(validateKubeObjects(docs)).toEqual([]);
  });

  it('puts ownership labels on every object (and the PVC template) and hardens every container', () => {
    const m = buildGatewayManifests({ container: exampleContainers()[1]!.container, namespace: 'ns1', network: 'pod' });
    for (const o of [...manifestList(m, { withSecret: true })]) {
      expect(o.metadata.labels, o.kind).toMatchObject({ 'app.kubernetes.io/managed-by': 'clawplane', 'clawplane.dev/org': 'acme', 'clawplane.dev/gateway': 'support-gw', 'clawplane.dev/group': 'support' });
      expect(o.metadata.namespace).toBe('ns1');
    }
    const sts = m.statefulSet.spec as { replicas: number; volumeClaimTemplates: KubeObject[]; template: { spec: Record<string, unknown> } };
    expect(sts.replicas).toBe(1);
    expect(sts.volumeClaimTemplates[0]?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('clawplane');
    expect(sts.template.spec).toMatchObject({ automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } } });
    const all = containersOf(m.statefulSet);
    expect(all.map((c) => c.name)).toEqual(['gateway', 'seed-files']);
    for (const c of all) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    }
    const gw = all[0] as { args: string[]; startupProbe: { httpGet: { path: string } }; readinessProbe: { httpGet: { path: string; host?: string } }; livenessProbe: { httpGet: { path: string } }; resources: unknown };
    expect(gw.args).toEqual(['gateway', 'run', '--port', '19000', '--bind', 'lan']);
    expect([gw.startupProbe.httpGet.path, gw.readinessProbe.httpGet.path, gw.livenessProbe.httpGet.path]).toEqual(['/startupz', '/readyz', '/healthz']);
    expect(gw.readinessProbe.httpGet.host).toBeUndefined();
    expect(gw.resources).toEqual({ requests: { memory: '1Gi', cpu: '250m' }, limits: { memory: '2Gi' } });
  });

  it('carries secret values only when given (base64), and keys with empty values otherwise', () => {
    const c = exampleContainers()[0]!.container;
    const without = buildGatewayManifests({ container: c, namespace: 'n', network: 'pod' });
    expect(without.secret.data).toEqual({ OPENCLAW_GATEWAY_TOKEN: '', TELEGRAM_ALICEBOT_BOT_TOKEN: '' });
    const withValues = buildGatewayManifests({ container: c, namespace: 'n', network: 'pod', secretValues: { OPENCLAW_GATEWAY_TOKEN: 's3cr3t-token' } });
    expect(withValues.secret.data).toEqual({ OPENCLAW_GATEWAY_TOKEN: Buffer.from('s3cr3t-token').toString('base64'), TELEGRAM_ALICEBOT_BOT_TOKEN: '' });
    expect(JSON.stringify(exportKubernetes(exampleContainers()).files)).not.toContain('s3cr3t');
  });

  it('maps resources and exposure: memory/cpu limits, ingress only from the control plane on loopback, DNS-only egress without hosts', () => {
    const c = { ...exampleContainers()[0]!.container, resources: { memoryMiB: 1536, cpus: 0.5 }, egressHosts: [] };
    const m = buildGatewayManifests({ container: c, namespace: 'n', network: 'pod' });
    expect((containersOf(m.statefulSet)[0] as { resources: unknown }).resources).toEqual({ requests: { memory: '1536Mi', cpu: '250m' }, limits: { memory: '1536Mi', cpu: '500m' } });
    const np = m.networkPolicy.spec as { ingress: { from?: unknown[] }[]; egress: unknown[]; policyTypes: string[] };
    expect(np.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.ingress[0]?.from).toEqual([{ namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'clawplane', 'app.kubernetes.io/component': 'control-plane' } } }]);
    expect(np.egress).toHaveLength(1);
    const lan = buildGatewayManifests({ container: { ...c, exposure: 'lan', egressHosts: ['api.anthropic.com'] }, namespace: 'n', network: 'pod' });
    const lanNp = lan.networkPolicy.spec as { ingress: { from?: unknown[] }[]; egress: unknown[] };
    expect(lanNp.ingress[0]?.from).toBeUndefined();
    expect(lanNp.egress).toHaveLength(2);
    expect(lan.networkPolicy.metadata.annotations?.['clawplane.dev/egress-hosts']).toBe('api.anthropic.com');
  });

  it('host network: bind loopback, probes on 127.0.0.1, no restricted Pod Security label', () => {
    const result = exportKubernetes(exampleContainers('host'), { network: 'host' });
    expect(result.issues).toEqual([]);
    const ns = parse(result.files['clawplane-acme/namespace.yaml'] ?? '') as KubeObject;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBeUndefined();
    const sts = parseAllDocuments(result.files['clawplane-acme/alice-gw.yaml'] ?? '').map((d) => d.toJS() as KubeObject).find((o) => o.kind === 'StatefulSet')!;
    const gw = containersOf(sts)[0] as { args: string[]; readinessProbe: { httpGet: { host?: string } } };
    expect(gw.args.slice(-2)).toEqual(['--bind', 'loopback']);
    expect(gw.readinessProbe.httpGet.host).toBe('127.0.0.1');
    expect((sts.spec as { template: { spec: { hostNetwork?: boolean } } }).template.spec.hostNetwork).toBe(true);
  });

  it('reports schema violations, bad keys and reserved namespaces', () => {
    const m = buildGatewayManifests({ container: exampleContainers()[0]!.container, namespace: 'n', network: 'pod' });
    const broken = structuredClone(m.statefulSet);
    ((broken.spec as { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } }).template.spec.containers[0]!.ports[0]!).containerPort = 'http';
    expect(validateKubeObject(broken).map((i) => i.code)).toContain('k8s_schema');
    expect(validateKubeObject({ ...m.configMap, data: { 'a/b': 'x' } }).map((i) => i.code)).toEqual(['k8s_data_key']);
    expect(validateKubeObject({ ...m.service, metadata: { name: 'Bad_Name' } }).map((i) => i.code)).toEqual(['k8s_name']);
    const res = exportKubernetes(exampleContainers().map((g) => ({ ...g, namespace: 'kube-system' })));
    expect(res.issues.map((i) => i.code)).toContain('namespace_reserved');
    const long = buildGatewayManifests({ container: { ...exampleContainers()[0]!.container, gateway: 'g'.repeat(53) }, namespace: 'n', network: 'pod' });
    expect(long.issues.map((i) => i.code)).toEqual(['k8s_name_too_long']);
  });

  it('adapts to podman kube play: the pod template as a Pod, the state claim as a PVC', () => {
    const m = buildGatewayManifests({ container: exampleContainers('host')[0]!.container, namespace: 'n', network: 'host' });
    const objs = toKubePlay(m);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/alice-gw-config', 'PersistentVolumeClaim/state-alice-gw-0', 'Pod/alice-gw-0']);
    expect(validateKubeObjects(objs)).toEqual([]);
    const pod = objs[2]!.spec as { volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[]; hostNetwork: boolean };
    expect(pod.hostNetwork).toBe(true);
    expect(pod.volumes.find((v) => v.name === 'state')?.persistentVolumeClaim?.claimName).toBe('state-alice-gw-0');
  });
});
