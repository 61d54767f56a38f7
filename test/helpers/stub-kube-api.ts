// A STUB Kubernetes API server for tests — not Kubernetes. No kube-apiserver can run on these
// machines (no package, no registry for kind/k3s images), so the Kubernetes driver is tested
// against this in-process HTTP server. It implements only what the driver calls:
//   - discovery (/api/v1, /apis/<group>/<version>) for the kinds Clawplane generates;
//   - GET / list (equality label selectors, all namespaces or one) / DELETE of objects;
//   - PATCH with application/apply-patch+yaml (server-side apply: the object is REPLACED by the
//     applied intent — no field-level merging — and conflicts are simulated only for fields a
//     test claimed for another manager with `claimField`) and application/merge-patch+json;
//   - pod logs (canned lines); with follow=true the canned tail, then every line a test pushes
//     with appendLog, the connection held open until the client closes it;
//   - the metrics API (metrics.k8s.io/v1beta1 PodMetrics of one pod, as metrics-server serves it)
//     with figures a test sets (setPodMetrics); setMetricsApi(false) makes it answer like an API
//     server without metrics-server (404 for the group);
//   - pods/exec upgraded to a WebSocket speaking the k8s channel protocol (v5.channel.k8s.io, or
//     v4 when the stub is told to): stdout on channel 1, stderr on 2, the Status on 3. It runs no
//     program: scripted answers per argv[0] (see EXEC_SCRIPTS);
//   - a tiny "StatefulSet controller + kubelet": a StatefulSet with replicas 1 gets pod <name>-0
//     (running at once, annotations copied from the template, recreated when they change or the
//     pod is deleted) and PVC state-<name>-0; replicas 0 deletes the pod. The pod's Ready
//     condition (what the kubelet sets from the readiness probe) is True at once, or — with
//     `podsStartReady: false` — False until a test calls setPodReady (the "probe passed").
// It records every request (method, path, query, content type, body) so tests assert the exact
// calls. It runs NO containers: whether the pods really run is tested with `podman kube play`.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { parse as parseYaml } from 'yaml';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: unknown;
  /** pods/exec: every `command` query parameter (the argv) and the negotiated subprotocol. */
  command?: string[];
  protocol?: string;
}

/** A scripted exec: frames sent in order, then the Status (undefined: never answers, like `sleep`). */
export interface ExecScript {
  stdout?: string;
  stderr?: string;
  status?: Record<string, unknown>;
}

const exitStatus = (code: number): Record<string, unknown> => (code === 0 ? { metadata: {}, status: 'Success' } : {
  metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
  message: `command terminated with non-zero exit code: error executing command, exit code ${code}`,
  details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
});

/**
 * The stub's "programs" (argv[0]): echo ARGS (stdout, exit 0), false (exit 1), sleep (never
 * answers), stub-stderr TEXT CODE (TEXT on stderr, exit CODE), stub-bytes N (N bytes "x" on stdout);
 * anything else is the runtime's "executable file not found" failure.
 */
export function execScript(argv: string[]): ExecScript {
  const [cmd = '', ...args] = argv;
  switch (cmd) {
    case 'echo': return { stdout: `${args.join(' ')}\n`, status: exitStatus(0) };
    case 'false': return { status: exitStatus(1) };
    case 'sleep': return {};
    case 'stub-stderr': return { stderr: args[0] ?? '', status: exitStatus(Number(args[1] ?? '0')) };
    case 'stub-bytes': return { stdout: 'x'.repeat(Number(args[0] ?? '0')), status: exitStatus(0) };
    default: return { status: { metadata: {}, status: 'Failure', reason: 'InternalError', message: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown` } };
  }
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
  /** PodMetrics usage per container as metrics-server would report it (undefined: no sample yet). */
  setPodMetrics(namespace: string, pod: string, containers: { name: string; cpu: string; memory: string }[] | undefined): void;
  /** Serve the metrics.k8s.io group (default) or answer like a cluster without metrics-server. */
  setMetricsApi(served: boolean): void;
  /** Send a log line to every open `follow=true` stream of the pod. Returns how many got it. */
  appendLog(namespace: string, pod: string, line: string): number;
  /** Open `follow=true` log streams (closed by the client). */
  openLogStreams(): number;
  /** Open pods/exec WebSockets. */
  openExecSockets(): number;
  /** Subprotocols the exec endpoint accepts, in preference order (default v5 then v4). */
  setExecProtocols(protocols: string[]): void;
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
  const podMetrics = new Map<string, { name: string; cpu: string; memory: string }[]>();
  let metricsServed = true;
  const followers = new Map<string, Set<ServerResponse>>();
  const execSockets = new Set<WebSocket>();
  let execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

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
    if (parts[0] === 'apis' && parts[1] === 'metrics.k8s.io') {
      // Without metrics-server the API server does not serve the group at all: 404, no details.
      if (!metricsServed || parts[2] !== 'v1beta1') return status(res, 404, 'NotFound', 'the server could not find the requested resource');
      if (parts.length === 3) return json(res, { kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1beta1', resources: [{ name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }] });
      const [, , , nsWord, mNs, podsWord, mName] = parts;
      if (nsWord !== 'namespaces' || podsWord !== 'pods' || !mNs || !mName || req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', `the stub does not serve ${url.pathname}`);
      const usage = objects.has(key('pods', mNs, mName)) ? podMetrics.get(`${mNs}/${mName}`) : undefined;
      if (!usage) return status(res, 404, 'NotFound', `podmetrics.metrics.k8s.io "${mNs}/${mName}" not found`, { name: mName, group: 'metrics.k8s.io', kind: 'pods' });
      return json(res, {
        kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: { name: mName, namespace: mNs, creationTimestamp: new Date().toISOString() },
        timestamp: new Date().toISOString(), window: '15s',
        containers: usage.map((c) => ({ name: c.name, usage: { cpu: c.cpu, memory: c.memory } })),
      });
    }
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
      const tail = Array.from({ length: Math.min(n, 200) }, (_, i) => `stub kubelet: ${name} ${url.searchParams.get('container') ?? ''} line ${i + 1}`).join('\n') + '\n';
      if (url.searchParams.get('follow') !== 'true') {
        res.end(tail);
        return;
      }
      // follow: the tail now, later lines as they come (appendLog), until the client hangs up.
      res.write(tail);
      const fk = `${ns ?? ''}/${name}`;
      const set = followers.get(fk) ?? new Set<ServerResponse>();
      followers.set(fk, set);
      set.add(res);
      res.on('close', () => set.delete(res));
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

  // pods/exec: the API server upgrades to a WebSocket and relays the kubelet's streams.
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => execProtocols.find((p) => offered.has(p)) ?? false,
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const command = url.searchParams.getAll('command');
    const rec: RecordedRequest = { method: 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), command };
    requests.push(rec);
    const refuse = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ kind: 'Status', status: 'Failure', code, message: text })}`);
    };
    if (!m) return refuse(404, 'Not Found');
    if (!objects.has(key('pods', m[1], m[2]!))) return refuse(404, `pods "${m[2]}" not found`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      rec.protocol = ws.protocol;
      execSockets.add(ws);
      ws.on('close', () => execSockets.delete(ws));
      const script = execScript(command);
      const frame = (channel: number, text: string) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text, 'utf8')]));
      const chunked = (channel: number, text: string) => {
        for (let i = 0; i < text.length; i += 64 * 1024) frame(channel, text.slice(i, i + 64 * 1024));
      };
      if (script.stdout) chunked(1, script.stdout);
      if (script.stderr) chunked(2, script.stderr);
      if (script.status) {
        frame(3, JSON.stringify(script.status));
        ws.close(1000);
      }
    });
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
    setPodMetrics: (ns, pod, containers) => {
      if (containers) podMetrics.set(`${ns}/${pod}`, containers);
      else podMetrics.delete(`${ns}/${pod}`);
    },
    setMetricsApi: (served) => {
      metricsServed = served;
    },
    appendLog: (ns, pod, line) => {
      const set = followers.get(`${ns}/${pod}`) ?? new Set();
      for (const r of set) r.write(`${line}\n`);
      return set.size;
    },
    openLogStreams: () => [...followers.values()].reduce((n, s) => n + s.size, 0),
    openExecSockets: () => execSockets.size,
    setExecProtocols: (p) => {
      execProtocols = p;
    },
    close: () => new Promise<void>((r) => {
      for (const set of followers.values()) for (const res of set) res.destroy();
      for (const ws of execSockets) ws.terminate();
      wss.close();
      server.close(() => r());
    }),
  };
}
