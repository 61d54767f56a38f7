// A STUB Kubernetes API server for tests — not Kubernetes. No kube-apiserver can run on these
// machines (no package, no registry for kind/k3s images), so the Kubernetes driver is tested
// against this in-process HTTP server. It implements only what the driver calls:
//   - discovery (/api/v1, /apis/<group>/<version>) for the kinds Clawplane generates;
//   - GET / list (equality label selectors, all namespaces or one) / DELETE of objects;
//   - PATCH with application/apply-patch+yaml (server-side apply: the object is REPLACED by the
//     applied intent — no field-level merging — and conflicts are simulated only for fields a
//     test claimed for another manager with `claimField`) and application/merge-patch+json;
//   - pod logs (canned lines);
//   - a tiny "StatefulSet controller + kubelet": a StatefulSet with replicas 1 gets pod <name>-0
//     (running at once, annotations copied from the template, recreated when they change or the
//     pod is deleted) and PVC state-<name>-0; replicas 0 deletes the pod. The pod's Ready
//     condition (what the kubelet sets from the readiness probe) is True at once, or — with
//     `podsStartReady: false` — False until a test calls setPodReady (the "probe passed").
// It records every request (method, path, query, content type, body) so tests assert the exact
// calls. It runs NO containers: whether the pods really run is tested with `podman kube play`.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: unknown;
}

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

const RESOURCES: Record<string, { name: string; kind: string; namespaced: boolean }[]> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true },
  ],
  'apps/v1': [{ name: 'statefulsets', kind: 'StatefulSet', namespaced: true }],
  'networking.k8s.io/v1': [{ name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true }],
  'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
};

export interface StubKubeApi {
  url: string;
  requests: RecordedRequest[];
  objects: Map<string, Obj>;
  get(plural: string, namespace: string | undefined, name: string): Obj | undefined;
  put(plural: string, obj: Obj): void;
  /** Make `field` of an object belong to another manager: applies without force conflict on it. */
  claimField(plural: string, namespace: string, name: string, manager: string, field: string): void;
  /** Set the pod's Ready condition and its gateway container's `ready` (the kubelet's readiness probe result). */
  setPodReady(namespace: string, pod: string, ready: boolean): boolean;
  /** Overwrite the gateway container status of a pod (crash simulation). */
  setContainerStatus(namespace: string, pod: string, status: Record<string, unknown>): void;
  close(): Promise<void>;
}

function key(plural: string, ns: string | undefined, name: string): string {
  return `${plural}/${ns ?? ''}/${name}`;
}

function status(res: ServerResponse, code: number, reason: string, message: string, details?: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, ...(details ? { details } : {}) }));
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function matches(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return k !== undefined && labels?.[k] === v;
  });
}

export async function startStubKubeApi(opts: { podsStartReady?: boolean } = {}): Promise<StubKubeApi> {
  const startReady = opts.podsStartReady ?? true;
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, Obj>();
  const claims = new Map<string, { manager: string; field: string }[]>();
  let rv = 1;
  let uid = 1;

  const store = (plural: string, obj: Obj): Obj => {
    const k = key(plural, obj.metadata.namespace, obj.metadata.name);
    const prev = objects.get(k);
    const stored: Obj = {
      ...obj,
      metadata: {
        ...obj.metadata,
        uid: (prev?.metadata.uid as string | undefined) ?? `uid-${uid++}`,
        resourceVersion: String(rv++),
        creationTimestamp: (prev?.metadata.creationTimestamp as string | undefined) ?? new Date().toISOString(),
      },
    };
    objects.set(k, stored);
    return stored;
  };

  const startPod = (sts: Obj, restartCount = 0): void => {
    const ns = sts.metadata.namespace!;
    const name = `${sts.metadata.name}-0`;
    const tpl = (sts.spec as { template: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } } }).template.metadata;
    store('pods', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: ns, labels: tpl.labels ?? {}, annotations: tpl.annotations ?? {} },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: startReady ? 'True' : 'False', ...(startReady ? {} : { reason: 'ContainersNotReady' }) }],
        containerStatuses: [{ name: 'gateway', ready: startReady, restartCount, state: { running: { startedAt: new Date().toISOString() } } }],
      },
    });
  };

  /** The simulated StatefulSet controller and kubelet. */
  const reconcileSts = (sts: Obj): void => {
    const ns = sts.metadata.namespace!;
    const spec = sts.spec as { replicas?: number; template: { metadata: { annotations?: Record<string, string> } }; volumeClaimTemplates?: { metadata: { name: string; labels?: Record<string, string> }; spec: unknown }[] };
    const podKey = key('pods', ns, `${sts.metadata.name}-0`);
    if ((spec.replicas ?? 1) === 0) {
      objects.delete(podKey);
      return;
    }
    for (const t of spec.volumeClaimTemplates ?? []) {
      const pvcName = `${t.metadata.name}-${sts.metadata.name}-0`;
      if (!objects.has(key('persistentvolumeclaims', ns, pvcName))) {
        store('persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: pvcName, namespace: ns, labels: t.metadata.labels ?? {} }, spec: t.spec, status: { phase: 'Bound' } });
      }
    }
    const pod = objects.get(podKey);
    const want = JSON.stringify(spec.template.metadata.annotations ?? {});
    if (!pod || JSON.stringify(pod.metadata.annotations ?? {}) !== want) startPod(sts);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const contentType = req.headers['content-type'];
    const body = raw ? (contentType?.includes('yaml') ? parseYaml(raw) : JSON.parse(raw)) as unknown : undefined;
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), ...(contentType ? { contentType } : {}), ...(body !== undefined ? { body } : {}) };
    requests.push(rec);

    const parts = url.pathname.split('/').filter(Boolean);
    // discovery
    const groupVersion = parts[0] === 'api' ? parts[1] : parts[0] === 'apis' ? `${parts[1]}/${parts[2]}` : undefined;
    const rest = parts.slice(parts[0] === 'api' ? 2 : 3);
    if (!groupVersion || !RESOURCES[groupVersion]) return status(res, 404, 'NotFound', `the stub serves no ${url.pathname}`);
    if (rest.length === 0) return json(res, { kind: 'APIResourceList', groupVersion, resources: RESOURCES[groupVersion]!.map((r) => ({ ...r, singularName: '', verbs: ['get', 'list', 'patch', 'delete'] })) });
    let ns: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      ns = rest[1];
      rest.splice(0, 2);
    }
    const [plural, name, sub] = rest;
    const resource = RESOURCES[groupVersion]!.find((r) => r.name === plural);
    if (!resource || !plural) return status(res, 404, 'NotFound', `the stub does not serve ${url.pathname}`);
    const k = name ? key(plural, ns, name) : '';

    if (req.method === 'GET' && !name) {
      const items = [...objects.entries()].filter(([ok, o]) => ok.startsWith(`${plural}/`) && (ns === undefined || o.metadata.namespace === ns) && matches(o.metadata.labels, url.searchParams.get('labelSelector') ?? undefined)).map(([, o]) => o);
      return json(res, { apiVersion: groupVersion, kind: `${resource.kind}List`, metadata: { resourceVersion: String(rv) }, items });
    }
    if (req.method === 'GET' && name && sub === 'log') {
      if (!objects.has(k)) return status(res, 404, 'NotFound', `pods "${name}" not found`);
      const n = Number(url.searchParams.get('tailLines') ?? '100');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(Array.from({ length: Math.min(n, 200) }, (_, i) => `stub kubelet: ${name} ${url.searchParams.get('container') ?? ''} line ${i + 1}`).join('\n') + '\n');
      return;
    }
    if (req.method === 'GET' && name) {
      const o = objects.get(k);
      return o ? json(res, o) : status(res, 404, 'NotFound', `${plural} "${name}" not found`);
    }
    if (req.method === 'DELETE' && name) {
      const o = objects.get(k);
      if (!o) return status(res, 404, 'NotFound', `${plural} "${name}" not found`);
      objects.delete(k);
      if (plural === 'statefulsets') {
        objects.delete(key('pods', ns, `${name}-0`));
        const retention = (o.spec as { persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string } }).persistentVolumeClaimRetentionPolicy?.whenDeleted;
        if (retention === 'Delete') objects.delete(key('persistentvolumeclaims', ns, `state-${name}-0`));
      }
      if (plural === 'pods') {
        const sts = [...objects.values()].find((s) => s.kind === 'StatefulSet' && s.metadata.namespace === ns && `${s.metadata.name}-0` === name);
        if (sts) startPod(sts);
      }
      return json(res, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind: plural } });
    }
    if (req.method === 'PATCH' && name) {
      if (contentType === 'application/apply-patch+yaml') {
        const obj = body as Obj;
        if (obj.metadata?.name !== name) return status(res, 400, 'BadRequest', 'metadata.name does not match the URL');
        const force = url.searchParams.get('force') === 'true';
        const claimed = claims.get(k) ?? [];
        if (claimed.length > 0 && !force) {
          return status(res, 409, 'Conflict', `Apply failed with ${claimed.length} conflict(s)`, {
            causes: claimed.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${obj.apiVersion}`, field: c.field })),
          });
        }
        claims.delete(k);
        const stored = store(plural, { ...obj, metadata: { ...obj.metadata, ...(ns ? { namespace: ns } : {}) } });
        if (plural === 'statefulsets') reconcileSts(stored);
        return json(res, stored);
      }
      if (contentType === 'application/merge-patch+json') {
        const o = objects.get(k);
        if (!o) return status(res, 404, 'NotFound', `${plural} "${name}" not found`);
        const patched = mergePatch(o, body) as Obj;
        const stored = store(plural, patched);
        if (plural === 'statefulsets') reconcileSts(stored);
        return json(res, stored);
      }
      return status(res, 415, 'UnsupportedMediaType', `the stub does not support ${contentType ?? 'no content type'}`);
    }
    return status(res, 405, 'MethodNotAllowed', `the stub does not support ${req.method} ${url.pathname}`);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => status(res, 500, 'InternalError', String(e)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    get: (plural, ns, name) => objects.get(key(plural, ns, name)),
    put: (plural, obj) => {
      store(plural, obj);
    },
    claimField: (plural, ns, name, manager, field) => {
      const k = key(plural, ns, name);
      claims.set(k, [...(claims.get(k) ?? []), { manager, field }]);
    },
    setPodReady: (ns, pod, ready) => {
      const o = objects.get(key('pods', ns, pod));
      if (!o) return false;
      const st = o.status as { conditions?: { type: string; status: string }[]; containerStatuses?: { name: string; ready?: boolean }[] };
      st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== 'Ready'), { type: 'Ready', status: ready ? 'True' : 'False' }];
      for (const c of st.containerStatuses ?? []) if (c.name === 'gateway') c.ready = ready;
      o.metadata.resourceVersion = String(rv++);
      return true;
    },
    setContainerStatus: (ns, pod, st) => {
      const o = objects.get(key('pods', ns, pod));
      if (o) (o.status as { containerStatuses: unknown[] }).containerStatuses = [{ name: 'gateway', ...st }];
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
