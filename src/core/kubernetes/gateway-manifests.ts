// Kubernetes objects of one gateway: ConfigMap (rendered files), Secret (env secrets), headless
// Service, StatefulSet (1 replica, PVC template for state), NetworkPolicy (default deny, egress
// allowlist), PodDisruptionBudget. Pure and deterministic (golden-file tested).
import { createHash } from 'node:crypto';
import {
  CONTAINER_CONFIG_DIR, CONTAINER_CONFIG_FILE, CONTAINER_HOME, CONTAINER_STATE_DIR, CONTAINER_UID,
  type GatewayContainerSpec, seedFiles, seedScript,
} from '../containers/gateway-container.ts';
import { type Issue, issue } from '../issues.ts';
import type { KubeObject } from './kube-object.ts';
import {
  CONFIG_HASH_ANNOTATION, CONTROL_PLANE_SELECTOR, EGRESS_HOSTS_ANNOTATION, RESTARTED_AT_ANNOTATION,
  SPEC_HASH_ANNOTATION, gatewayLabels, selectorLabels,
} from './labels.ts';

export interface KubeGatewayInput {
  container: GatewayContainerSpec;
  namespace: string;
  /** 'pod' (default): own network namespace; 'host': hostNetwork (single-node / podman kube play). */
  network: 'pod' | 'host';
  /** Secret values by env name (the driver). Absent: the Secret is emitted with empty values (exports). */
  secretValues?: Record<string, string>;
  specHash?: string;
  restartedAt?: string;
  storage?: { size?: string; storageClassName?: string };
  /** PVC retention when the StatefulSet is deleted. Default Retain (state is archived, not lost). */
  pvcRetention?: 'Retain' | 'Delete';
  imagePullPolicy?: 'IfNotPresent' | 'Never' | 'Always';
}

export interface KubeGatewayManifests {
  configMap: KubeObject;
  secret: KubeObject;
  service: KubeObject;
  statefulSet: KubeObject;
  networkPolicy: KubeObject;
  podDisruptionBudget: KubeObject;
  issues: Issue[];
}

export const STATE_VOLUME = 'state';
export const GATEWAY_CONTAINER = 'gateway';
const CONFIGMAP_LIMIT = 1024 * 1024;
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

export function configMapName(gateway: string): string {
  return `${gateway}-config`;
}
export function secretName(gateway: string): string {
  return `${gateway}-secrets`;
}
/** PVC the StatefulSet controller creates from the `state` template for replica 0. */
export function statePvcName(gateway: string): string {
  return `${STATE_VOLUME}-${gateway}-0`;
}
export function podName(gateway: string): string {
  return `${gateway}-0`;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** ConfigMap keys allow [-._a-zA-Z0-9]: seeds get a flat key, mapped back to their path by the init container. */
export function configMapKeys(files: Record<string, string>): { key: string; path: string }[] {
  const out = [{ key: CONTAINER_CONFIG_FILE, path: CONTAINER_CONFIG_FILE }];
  seedFiles(files).forEach(([path], i) => {
    const base = path.slice(path.lastIndexOf('/') + 1).replace(/[^-._a-zA-Z0-9]/g, '_').slice(0, 200);
    out.push({ key: `seed-${i}-${base}`, path });
  });
  return out;
}

function probe(path: string, port: number, host: string | undefined, o: { period: number; failure: number; timeout?: number }): Record<string, unknown> {
  return {
    httpGet: { path, port, ...(host ? { host } : {}) },
    periodSeconds: o.period,
    failureThreshold: o.failure,
    timeoutSeconds: o.timeout ?? 3,
  };
}

function resourcesOf(r: GatewayContainerSpec['resources']): Record<string, unknown> {
  // ~1 GB RSS per OpenClaw gateway: default request 1Gi, limit 2Gi.
  const memory = r.memoryMiB !== undefined ? `${r.memoryMiB}Mi` : undefined;
  const requests: Record<string, string> = { memory: memory ?? '1Gi', cpu: r.cpus !== undefined && r.cpus < 0.25 ? `${Math.round(r.cpus * 1000)}m` : '250m' };
  const limits: Record<string, string> = { memory: memory ?? '2Gi' };
  if (r.cpus !== undefined) limits.cpu = `${Math.round(r.cpus * 1000)}m`;
  return { requests, limits };
}

export function buildGatewayManifests(input: KubeGatewayInput): KubeGatewayManifests {
  const c = input.container;
  const ns = input.namespace;
  const name = c.gateway;
  const labels = gatewayLabels({ org: c.org, gateway: c.gateway, runtimeVersion: c.runtimeVersion, ...(c.group ? { group: c.group } : {}) });
  const selector = selectorLabels(c.org, c.gateway);
  const meta = (n: string, annotations?: Record<string, string>): KubeObject['metadata'] => ({
    name: n, namespace: ns, labels: { ...labels }, ...(annotations ? { annotations } : {}),
  });
  const issues: Issue[] = [];
  const resource = `Gateway/${name}`;
  if (name.length > 52) {
    issues.push(issue('k8s_name_too_long', 'metadata.name', `gateway name "${name}" is longer than 52 characters: StatefulSet pods and their revision labels would exceed Kubernetes' 63-character limit`, { resource }));
  }

  // ConfigMap: openclaw.json + seed files.
  const keys = configMapKeys(c.files);
  const data: Record<string, string> = {};
  for (const k of keys) {
    if (k.path.startsWith('/') || k.path.split('/').includes('..')) {
      issues.push(issue('k8s_bad_file_path', 'files', `rendered file path "${k.path}" is not a relative path inside the state dir`, { resource }));
      continue;
    }
    data[k.key] = c.files[k.path] ?? '';
  }
  const size = Object.entries(data).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
  if (size > CONFIGMAP_LIMIT) issues.push(issue('k8s_configmap_too_large', 'files', `rendered files are ${size} bytes; a ConfigMap holds at most 1 MiB`, { resource }));
  const configHash = sha(JSON.stringify(Object.entries(data).sort(([a], [b]) => a.localeCompare(b))));
  const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(configMapName(name)), data };

  // Secret: one key per env secret. Values only when the driver applies it; exports carry empty strings.
  const secretData: Record<string, string> = {};
  for (const env of c.secretEnv) {
    const v = input.secretValues?.[env];
    secretData[env] = v === undefined ? '' : Buffer.from(v, 'utf8').toString('base64');
  }
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: meta(secretName(name)), type: 'Opaque', data: secretData };

  const service: KubeObject = {
    apiVersion: 'v1', kind: 'Service', metadata: meta(name),
    spec: {
      clusterIP: 'None',
      selector,
      ports: [{ name: 'gateway', port: c.port, targetPort: 'gateway', protocol: 'TCP' }],
      publishNotReadyAddresses: false,
    },
  };

  const host = input.network === 'host';
  const probeHost = host ? '127.0.0.1' : undefined;
  // ConfigMap volumes are mounted flat (key = file name; podman kube play cannot create nested
  // item paths); the init container copies the seeds to their place in the state volume.
  const seeds = keys.filter((k) => k.path !== CONTAINER_CONFIG_FILE).map((k): [string, string] => [k.key, k.path]);
  const podAnnotations: Record<string, string> = { [CONFIG_HASH_ANNOTATION]: configHash };
  if (input.specHash) podAnnotations[SPEC_HASH_ANNOTATION] = input.specHash;
  if (input.restartedAt) podAnnotations[RESTARTED_AT_ANNOTATION] = input.restartedAt;
  const containerSecurity = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: CONTAINER_UID,
    runAsGroup: CONTAINER_UID,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const mounts = [
    { name: 'config', mountPath: CONTAINER_CONFIG_DIR, readOnly: true },
    { name: STATE_VOLUME, mountPath: CONTAINER_STATE_DIR },
    { name: 'home', mountPath: CONTAINER_HOME },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  // `home` is mounted at /home/node and the state volume below it: kubelet mounts parents first.
  const env = [
    ...Object.entries(c.env).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => ({ name: k, value: v })),
    ...c.secretEnv.map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: secretName(name), key: k } } })),
  ];
  const container = {
    name: GATEWAY_CONTAINER,
    image: c.image,
    imagePullPolicy: input.imagePullPolicy ?? 'IfNotPresent',
    args: c.args,
    ports: [{ name: 'gateway', containerPort: c.port, protocol: 'TCP' }],
    env,
    resources: resourcesOf(c.resources),
    securityContext: containerSecurity,
    volumeMounts: mounts,
    startupProbe: probe('/startupz', c.port, probeHost, { period: 5, failure: 36 }),
    readinessProbe: probe('/readyz', c.port, probeHost, { period: 10, failure: 3 }),
    livenessProbe: probe('/healthz', c.port, probeHost, { period: 20, failure: 3, timeout: 5 }),
  };
  const initContainers = seeds.length === 0 ? [] : [{
    name: 'seed-files',
    image: c.image,
    imagePullPolicy: input.imagePullPolicy ?? 'IfNotPresent',
    command: ['node', '-e', seedScript(seeds)],
    securityContext: containerSecurity,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    volumeMounts: [{ name: 'config', mountPath: CONTAINER_CONFIG_DIR, readOnly: true }, { name: STATE_VOLUME, mountPath: CONTAINER_STATE_DIR }],
  }];
  const podSpec: Record<string, unknown> = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 30,
    securityContext: {
      runAsNonRoot: true, runAsUser: CONTAINER_UID, runAsGroup: CONTAINER_UID, fsGroup: CONTAINER_UID,
      fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(host ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers: [container],
    volumes: [
      { name: 'config', configMap: { name: configMapName(name) } },
      { name: 'home', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ],
  };
  const statefulSet: KubeObject = {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta(name),
    spec: {
      replicas: 1,
      serviceName: name,
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: selector },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: input.pvcRetention ?? 'Retain', whenScaled: 'Retain' },
      updateStrategy: { type: 'RollingUpdate' },
      template: { metadata: { labels: { ...labels }, annotations: podAnnotations }, spec: podSpec },
      volumeClaimTemplates: [{
        apiVersion: 'v1', kind: 'PersistentVolumeClaim',
        metadata: { name: STATE_VOLUME, labels: { ...labels } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(input.storage?.storageClassName ? { storageClassName: input.storage.storageClassName } : {}),
          resources: { requests: { storage: input.storage?.size ?? '5Gi' } },
        },
      }],
    },
  };

  // Default deny both ways; ingress on the gateway port from the control plane (loopback exposure)
  // or from anywhere in the cluster (lan / tailnet); egress DNS + HTTPS to public addresses when the
  // gateway talks to model/channel hosts. NetworkPolicy cannot name hosts: they are listed in an
  // annotation for FQDN-aware CNIs (e.g. Cilium toFQDNs).
  const ingressFrom = c.exposure === 'loopback'
    ? [{ namespaceSelector: {}, podSelector: { matchLabels: CONTROL_PLANE_SELECTOR } }]
    : [];
  const egress: Record<string, unknown>[] = [{
    to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  }];
  if (c.egressHosts.length > 0) {
    egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [{ protocol: 'TCP', port: 443 }] });
  }
  const networkPolicy: KubeObject = {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: meta(name, { [EGRESS_HOSTS_ANNOTATION]: c.egressHosts.join(',') }),
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ...(ingressFrom.length > 0 ? { from: ingressFrom } : {}), ports: [{ protocol: 'TCP', port: c.port }] }],
      egress,
    },
  };

  // One replica of a stateful singleton: a voluntary eviction (drain) waits for an operator, but an
  // unhealthy pod never blocks it.
  const podDisruptionBudget: KubeObject = {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(name),
    spec: { minAvailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  };

  return { configMap, secret, service, statefulSet, networkPolicy, podDisruptionBudget, issues };
}

/** Apply order: config and secret before the workload that mounts them. */
export function manifestList(m: KubeGatewayManifests, opts: { withSecret: boolean }): KubeObject[] {
  return [m.configMap, ...(opts.withSecret ? [m.secret] : []), m.service, m.networkPolicy, m.podDisruptionBudget, m.statefulSet];
}
