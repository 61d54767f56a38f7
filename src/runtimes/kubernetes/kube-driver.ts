// RuntimeDriver for Kubernetes over @kubernetes/client-node.
//
// - start/writeFiles: server-side apply (`application/apply-patch+yaml`, fieldManager `clawplane`)
//   of the gateway's objects from core/kubernetes (ConfigMap, Secret, Service, NetworkPolicy,
//   PodDisruptionBudget, StatefulSet) and its Namespace. A conflict is forced only when every
//   conflicting manager is Clawplane's own (`clawplane*`); otherwise the apply fails naming them.
// - observe: StatefulSet + its pod `<gateway>-0`; re-adoption finds objects by ownership labels
//   (any namespace), so a new control plane picks up what an earlier one deployed.
// - stop/restart: JSON merge patches under the field manager `clawplane-ops` (replicas 0, a
//   restartedAt annotation bump on the pod template); kill: delete the pod with grace 0.
// - remove: delete with propagationPolicy Foreground; the state PVC is kept (archive) or deleted.
// - logs: the pod log API; `follow` streams it (follow=true) until aborted or the pod's log ends.
// - stats: metrics.k8s.io/v1beta1 PodMetrics of `<gateway>-0` (metrics-server) + restartCount;
//   without a metrics API only restarts, with `unavailable` saying why.
// - execCommand: the pods/exec subresource over WebSocket (channel protocol v5/v4, client-node's
//   Exec); the exit code comes from the Status on channel 3; the timeout closes the socket.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { Writable } from 'node:stream';
import { type ApiException, CoreV1Api, CustomObjectsApi, Exec, type KubeConfig, KubernetesObjectApi, type KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import {
  CONTAINER_STATE_DIR, type GatewayContainerSpec, containerBaseEnv, defaultGatewayImage, gatewayArgs,
} from '../../core/containers/gateway-container.ts';
import {
  GATEWAY_CONTAINER, buildGatewayManifests, configMapName, manifestList, podName, secretName, statePvcName,
} from '../../core/kubernetes/gateway-manifests.ts';
import type { KubeObject } from '../../core/kubernetes/kube-object.ts';
import { GATEWAY_LABEL, ORG_LABEL, RESTARTED_AT_ANNOTATION, SPEC_HASH_ANNOTATION, ownershipSelector } from '../../core/kubernetes/labels.ts';
import { buildNamespace, namespaceFor } from '../../core/kubernetes/namespace.ts';
import { validateKubeObjects } from '../../core/kubernetes/validate-manifests.ts';
import { parseExecStatus } from '../../core/kubernetes/exec-status.ts';
import { type PodMetricsView, metricsUnavailableReason, podMetricsToStats } from '../../core/kubernetes/pod-metrics.ts';
import { createCappedOutput } from '../../core/capped-output.ts';
import { EXEC_OUTPUT_LIMIT } from '../../core/exec-command.ts';
import type { DriverHealth, ExecResult, GatewayDeployment, GatewayStats, LogOptions, ObservedGateway, RuntimeDriver } from '../../core/ports/runtime.ts';

export const FIELD_MANAGER = 'clawplane';
export const OPS_FIELD_MANAGER = 'clawplane-ops';
export const ARCHIVED_AT_LABEL = 'clawplane.dev/archived';

export interface KubernetesDriverOptions {
  kubeConfig: KubeConfig;
  /** 'pod' (default) or 'host' (hostNetwork, single-node clusters). */
  network?: 'pod' | 'host';
  storage?: { size?: string; storageClassName?: string };
  imagePullPolicy?: 'IfNotPresent' | 'Never' | 'Always';
  /** How the control plane reaches a gateway; default the headless Service's DNS name. */
  endpointFor?: (namespace: string, gateway: string, port: number) => { host: string; port: number };
  /** Non-secret env every gateway gets (e.g. OPENCLAW_SKIP_CHANNELS=1 in tests). */
  extraEnv?: Record<string, string>;
  now?: () => Date;
}

export interface KubernetesDriver extends RuntimeDriver {
  readonly target: 'kubernetes';
  observeHealth(id: string): Promise<DriverHealth>;
  stats(id: string): Promise<GatewayStats>;
  execCommand(id: string, command: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Bump the restart annotation: the StatefulSet rolls its pod. */
  restart(id: string): Promise<void>;
  /** Namespace the gateway lives in (after a start or a lookup by labels). */
  namespaceOf(id: string): Promise<string>;
}

interface Located {
  org: string;
  gateway: string;
  namespace: string;
}

interface StsView extends KubernetesObject {
  spec?: { replicas?: number; template?: { metadata?: { annotations?: Record<string, string> } } };
  status?: { readyReplicas?: number; replicas?: number };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { running?: { startedAt?: string | Date }; waiting?: { reason?: string; message?: string }; terminated?: { exitCode?: number; reason?: string } };
  lastState?: { terminated?: { exitCode?: number } };
}

interface PodView extends KubernetesObject {
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[]; containerStatuses?: ContainerStatus[] };
}

/** Pure: the pod's Ready condition (the kubelet's readiness probe on /readyz) as health. */
export function podHealth(podName: string, pod: PodView | undefined): DriverHealth {
  if (!pod) return { live: false, ready: false, error: `pod ${podName} does not exist yet` };
  const cs = pod.status?.containerStatuses?.find((c) => c.name === GATEWAY_CONTAINER);
  const live = cs?.state?.running !== undefined;
  const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const ready = live && cond?.status === 'True';
  if (ready) return { live, ready };
  const why = cs?.state?.waiting?.reason ?? cs?.state?.terminated?.reason ?? cond?.message ?? cond?.reason ?? (cond ? 'readiness probe not passing' : 'no Ready condition yet');
  return { live, ready: false, error: `pod ${podName} not ready: ${why}` };
}

/** A Writable over the exec output cap (EXEC_OUTPUT_LIMIT bytes) that ignores writes after its end. */
function cappedSink() {
  const buf = createCappedOutput(EXEC_OUTPUT_LIMIT);
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buf.push(chunk);
      cb();
    },
  });
  sink.on('error', () => undefined); // a frame after the status (end) must not crash the control plane
  return { sink, text: buf.text, truncated: buf.truncated };
}

/** What a failed exec WebSocket upgrade says (ws ErrorEvent / Error). */
function wsErrorText(e: unknown): string {
  const x = e as { message?: unknown; error?: { message?: unknown } };
  const m = x.error?.message ?? x.message;
  return typeof m === 'string' && m !== '' ? m : String(e);
}

export function parseDeploymentId(id: string): { org: string; gateway: string } {
  const i = id.indexOf('--');
  if (i <= 0 || i + 2 >= id.length) throw new Error(`invalid gateway id: ${JSON.stringify(id)}`);
  return { org: id.slice(0, i), gateway: id.slice(i + 2) };
}

function isApiError(e: unknown, code: number): e is ApiException<unknown> {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

function bodyOf(e: unknown): { message?: string; details?: { causes?: { reason?: string; message?: string; field?: string }[] } } {
  const b = (e as { body?: unknown }).body;
  if (typeof b === 'string') {
    try {
      return JSON.parse(b) as ReturnType<typeof bodyOf>;
    } catch {
      return { message: b };
    }
  }
  return (b ?? {}) as ReturnType<typeof bodyOf>;
}

/** Managers named in an SSA conflict ("conflict with \"kubectl-edit\" using apps/v1"). */
export function conflictManagers(e: unknown): string[] {
  const causes = bodyOf(e).details?.causes ?? [];
  const out = new Set<string>();
  for (const c of causes) {
    const m = /conflict with "([^"]+)"/.exec(c.message ?? '');
    if (m?.[1]) out.add(m[1]);
  }
  return [...out];
}

/** Pure: StatefulSet + pod → ObservedGateway. */
export function toObserved(id: string, port: number | undefined, sts: StsView | undefined, pod: PodView | undefined): ObservedGateway {
  if (!sts) return { id, phase: 'missing' };
  const base: ObservedGateway = { id, phase: 'starting', ...(port !== undefined ? { port } : {}) };
  const stsHash = sts.spec?.template?.metadata?.annotations?.[SPEC_HASH_ANNOTATION];
  if ((sts.spec?.replicas ?? 1) === 0) return { ...base, phase: pod ? 'starting' : 'stopped', ...(stsHash ? { specHash: stsHash } : {}) };
  if (!pod) return { ...base, ...(stsHash ? { specHash: stsHash } : {}) };
  const podHash = pod.metadata?.annotations?.[SPEC_HASH_ANNOTATION];
  const cs = pod.status?.containerStatuses?.find((c) => c.name === GATEWAY_CONTAINER);
  const obs: ObservedGateway = { ...base, restarts: cs?.restartCount ?? 0, ...(podHash ?? stsHash ? { specHash: podHash ?? stsHash } : {}) };
  if (cs?.state?.running) {
    const at = cs.state.running.startedAt;
    return { ...obs, phase: 'running', ...(at ? { startedAt: new Date(at).toISOString() } : {}) };
  }
  if (cs?.state?.terminated) return { ...obs, phase: 'exited', exitCode: cs.state.terminated.exitCode ?? null };
  if (cs?.state?.waiting?.reason === 'CrashLoopBackOff' || cs?.state?.waiting?.reason === 'Error') {
    return { ...obs, phase: 'exited', exitCode: cs.lastState?.terminated?.exitCode ?? null };
  }
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') return { ...obs, phase: 'exited', exitCode: null };
  return obs;
}

export function createKubernetesDriver(opts: KubernetesDriverOptions): KubernetesDriver {
  const api = KubernetesObjectApi.makeApiClient(opts.kubeConfig);
  const core = opts.kubeConfig.makeApiClient(CoreV1Api);
  const custom = opts.kubeConfig.makeApiClient(CustomObjectsApi);
  const network = opts.network ?? 'pod';
  const now = opts.now ?? (() => new Date());
  const located = new Map<string, Located>();

  async function read<T extends KubernetesObject>(apiVersion: string, kind: string, namespace: string, name: string): Promise<T | undefined> {
    try {
      return await api.read<T>({ apiVersion, kind, metadata: { name, namespace } });
    } catch (e) {
      if (isApiError(e, 404)) return undefined;
      throw e;
    }
  }

  /** Find a gateway's namespace: remembered, then by ownership labels in any namespace, then the default. */
  async function locate(id: string): Promise<Located & { found?: StsView }> {
    const { org, gateway } = parseDeploymentId(id);
    const known = located.get(id);
    if (known) return known;
    const list = await api.list<StsView>('apps/v1', 'StatefulSet', undefined, undefined, undefined, undefined, undefined, ownershipSelector(org, gateway));
    const sts = list.items[0];
    const namespace = sts?.metadata?.namespace ?? namespaceFor(org);
    const loc = { org, gateway, namespace };
    if (sts) located.set(id, loc);
    return { ...loc, ...(sts ? { found: sts } : {}) };
  }

  async function apply(obj: KubeObject): Promise<void> {
    const send = (force: boolean) => api.patch(obj as KubernetesObject, undefined, undefined, FIELD_MANAGER, force, PatchStrategy.ServerSideApply);
    try {
      await send(false);
    } catch (e) {
      if (!isApiError(e, 409)) throw e;
      const managers = conflictManagers(e);
      const foreign = managers.filter((m) => !m.startsWith(FIELD_MANAGER));
      if (managers.length === 0 || foreign.length > 0) {
        throw new Error(`server-side apply of ${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name} conflicts with fields managed by ${foreign.join(', ') || 'another manager'}: ${bodyOf(e).message ?? 'conflict'}; Clawplane does not take fields over from other managers (remove that manager's change or let Clawplane own the object)`);
      }
      await send(true);
    }
  }

  function containerFor(d: GatewayDeployment): GatewayContainerSpec {
    const bind = network === 'host' ? 'loopback' : 'lan';
    return {
      org: d.org, gateway: d.gateway,
      image: d.image ?? defaultGatewayImage(d.runtime.version),
      runtimeVersion: d.runtime.version,
      port: d.port, bind,
      exposure: d.kubernetes?.exposure ?? 'loopback',
      files: d.files,
      secretEnv: Object.keys(d.env).sort(),
      env: containerBaseEnv(opts.extraEnv),
      args: gatewayArgs(d.port, bind),
      resources: d.resources ?? {},
      egressHosts: d.kubernetes?.egressHosts ?? [],
    };
  }

  function manifestsFor(d: GatewayDeployment, namespace: string) {
    const m = buildGatewayManifests({
      container: containerFor(d), namespace, network, secretValues: d.env, specHash: d.specHash,
      ...(opts.storage ? { storage: opts.storage } : {}),
      ...(opts.imagePullPolicy ? { imagePullPolicy: opts.imagePullPolicy } : {}),
    });
    const objects = manifestList(m, { withSecret: true });
    const issues = [...m.issues, ...validateKubeObjects(objects)].filter((i) => i.severity === 'error');
    if (issues.length > 0) throw new Error(`invalid Kubernetes objects for ${d.id}: ${issues.map((i) => i.message).join('; ')}`);
    return { m, objects };
  }

  async function observe(id: string): Promise<ObservedGateway> {
    const loc = await locate(id);
    const sts = loc.found ?? await read<StsView>('apps/v1', 'StatefulSet', loc.namespace, loc.gateway);
    if (!sts) {
      located.delete(id);
      return { id, phase: 'missing' };
    }
    const pod = await read<PodView>('v1', 'Pod', loc.namespace, podName(loc.gateway));
    const port = (sts.spec as { template?: { spec?: { containers?: { ports?: { containerPort?: number }[] }[] } } } | undefined)?.template?.spec?.containers?.[0]?.ports?.[0]?.containerPort;
    return toObserved(id, port, sts, pod);
  }

  async function mergePatch(apiVersion: string, kind: string, namespace: string, name: string, patch: Record<string, unknown>): Promise<void> {
    const meta = (patch.metadata ?? {}) as Record<string, unknown>;
    await api.patch({ apiVersion, kind, ...patch, metadata: { ...meta, name, namespace } } as KubernetesObject, undefined, undefined, OPS_FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
  }

  async function remove(kind: string, apiVersion: string, namespace: string, name: string): Promise<void> {
    try {
      await api.delete({ apiVersion, kind, metadata: { name, namespace } }, undefined, undefined, undefined, undefined, 'Foreground');
    } catch (e) {
      if (!isApiError(e, 404)) throw e;
    }
  }

  /** `logs -f`: a streaming GET of the pod log (follow=true), line by line, until aborted or the log ends. */
  async function* followLogs(loc: Located, o: LogOptions): AsyncGenerator<string> {
    const cluster = opts.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const path = `/api/v1/namespaces/${encodeURIComponent(loc.namespace)}/pods/${encodeURIComponent(podName(loc.gateway))}/log`;
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    url.searchParams.set('container', GATEWAY_CONTAINER);
    url.searchParams.set('follow', 'true');
    if (o.tailLines !== undefined) url.searchParams.set('tailLines', String(o.tailLines));
    if (o.signal?.aborted) return;
    // TLS, auth headers and proxy agent exactly as client-node sets them for its own requests.
    const reqOpts: RequestOptions = {};
    await opts.kubeConfig.applyToHTTPSOptions(reqOpts);
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let res: IncomingMessage | undefined;
    try {
      res = await new Promise<IncomingMessage>((resolve, reject) => {
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const req = send(url, { ...reqOpts, method: 'GET', signal: ac.signal }, resolve);
        req.on('error', reject);
        req.end();
      });
      if (res.statusCode !== 200) {
        let text = '';
        for await (const c of res) text += String(c);
        if (res.statusCode === 404 || res.statusCode === 400) return;
        throw new Error(`following the log of pod ${loc.namespace}/${podName(loc.gateway)} failed (HTTP ${res.statusCode ?? '?'}): ${bodyOf({ body: text }).message ?? text.slice(0, 300)}`);
      }
      const decoder = new TextDecoder();
      let rest = '';
      for await (const chunk of res as AsyncIterable<Buffer>) {
        rest += decoder.decode(chunk, { stream: true });
        const lines = rest.split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line !== '') yield line;
      }
      rest += decoder.decode();
      if (rest !== '') yield rest;
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      ac.abort();
      res?.destroy();
    }
  }

  return {
    target: 'kubernetes',
    observe,
    async observeAll() {
      const list = await api.list<StsView>('apps/v1', 'StatefulSet', undefined, undefined, undefined, undefined, undefined, ownershipSelector());
      const out: ObservedGateway[] = [];
      for (const sts of list.items) {
        const org = sts.metadata?.labels?.[ORG_LABEL];
        const gateway = sts.metadata?.labels?.[GATEWAY_LABEL];
        const namespace = sts.metadata?.namespace;
        if (!org || !gateway || !namespace) continue;
        const id = `${org}--${gateway}`;
        located.set(id, { org, gateway, namespace });
        const pod = await read<PodView>('v1', 'Pod', namespace, podName(gateway));
        out.push(toObserved(id, undefined, sts, pod));
      }
      return out;
    },
    async start(d) {
      const loc = await locate(d.id);
      const namespace = d.kubernetes?.namespace ?? loc.namespace;
      const { objects } = manifestsFor(d, namespace);
      await apply(buildNamespace(namespace, d.org, { hostNetwork: network === 'host' }));
      for (const o of objects) await apply(o);
      located.set(d.id, { org: d.org, gateway: d.gateway, namespace });
      return observe(d.id);
    },
    async writeFiles(d) {
      const loc = await locate(d.id);
      const { m } = manifestsFor(d, d.kubernetes?.namespace ?? loc.namespace);
      // The ConfigMap volume is updated in place by the kubelet; the gateway hot-reloads openclaw.json.
      await apply(m.configMap);
    },
    async stop(id) {
      const loc = await locate(id);
      await mergePatch('apps/v1', 'StatefulSet', loc.namespace, loc.gateway, { spec: { replicas: 0 } });
    },
    async kill(id) {
      const loc = await locate(id);
      try {
        await api.delete({ apiVersion: 'v1', kind: 'Pod', metadata: { name: podName(loc.gateway), namespace: loc.namespace } }, undefined, undefined, 0);
      } catch (e) {
        if (!isApiError(e, 404)) throw e;
      }
    },
    async restart(id) {
      const loc = await locate(id);
      await mergePatch('apps/v1', 'StatefulSet', loc.namespace, loc.gateway, { spec: { replicas: 1, template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: now().toISOString() } } } } });
    },
    async remove(id, o) {
      const loc = await locate(id);
      await remove('StatefulSet', 'apps/v1', loc.namespace, loc.gateway);
      for (const [kind, apiVersion, name] of [
        ['PodDisruptionBudget', 'policy/v1', loc.gateway], ['NetworkPolicy', 'networking.k8s.io/v1', loc.gateway],
        ['Service', 'v1', loc.gateway], ['Secret', 'v1', secretName(loc.gateway)], ['ConfigMap', 'v1', configMapName(loc.gateway)],
      ] as const) await remove(kind, apiVersion, loc.namespace, name);
      located.delete(id);
      const pvc = statePvcName(loc.gateway);
      if (o?.archive) {
        // Keep the state: label the PVC so it is visibly archived (and no longer re-adopted).
        const existing = await read('v1', 'PersistentVolumeClaim', loc.namespace, pvc);
        if (!existing) return {};
        const stamp = now().toISOString().replace(/[:.]/g, '-');
        await mergePatch('v1', 'PersistentVolumeClaim', loc.namespace, pvc, { metadata: { labels: { [ARCHIVED_AT_LABEL]: stamp } } });
        return { archive: `pvc/${loc.namespace}/${pvc}` };
      }
      await remove('PersistentVolumeClaim', 'v1', loc.namespace, pvc);
      return {};
    },
    async readConfig(id) {
      const loc = await locate(id);
      const cm = await read<KubernetesObject & { data?: Record<string, string> }>('v1', 'ConfigMap', loc.namespace, configMapName(loc.gateway));
      return cm?.data?.['openclaw.json'];
    },
    async *logs(id: string, o?: LogOptions) {
      const loc = await locate(id);
      if (o?.follow) {
        yield* followLogs(loc, o);
        return;
      }
      let text: string;
      try {
        text = await core.readNamespacedPodLog({
          name: podName(loc.gateway), namespace: loc.namespace, container: GATEWAY_CONTAINER,
          ...(o?.tailLines !== undefined ? { tailLines: o.tailLines } : {}),
        });
      } catch (e) {
        if (isApiError(e, 404) || isApiError(e, 400)) return;
        throw e;
      }
      for (const line of text.split('\n')) if (line !== '') yield line;
    },
    async stats(id) {
      const loc = await locate(id);
      const name = podName(loc.gateway);
      const pod = await read<PodView>('v1', 'Pod', loc.namespace, name);
      if (!pod) return {};
      let metrics: PodMetricsView;
      try {
        metrics = await custom.getNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace: loc.namespace, plural: 'pods', name }) as PodMetricsView;
      } catch (e) {
        const why = metricsUnavailableReason((e as { code?: number }).code, bodyOf(e));
        if (why === undefined) throw e;
        return podMetricsToStats(undefined, pod, why);
      }
      return podMetricsToStats(metrics, pod);
    },
    async execCommand(id, command, o) {
      if (command.length === 0 || command.some((a) => typeof a !== 'string' || a.includes('\0'))) throw new Error('exec needs a non-empty argument array');
      const loc = await locate(id);
      const name = podName(loc.gateway);
      const pod = await read<PodView>('v1', 'Pod', loc.namespace, name);
      if (!pod?.status?.containerStatuses?.find((c) => c.name === GATEWAY_CONTAINER)?.state?.running) throw new Error(`gateway ${id} is not running`);
      const out = cappedSink();
      const err = cappedSink();
      let status: unknown;
      let ws;
      try {
        ws = await new Exec(opts.kubeConfig).exec(loc.namespace, name, GATEWAY_CONTAINER, command, out.sink, err.sink, null, false, (s) => { status = s; });
      } catch (e) {
        throw new Error(`exec in pod ${loc.namespace}/${name} failed: ${wsErrorText(e)}`);
      }
      const socket = ws;
      const timeoutMs = o?.timeoutMs ?? 60_000;
      let timedOut = false;
      await new Promise<void>((resolve) => {
        if (socket.readyState === socket.CLOSED) return resolve();
        const t = setTimeout(() => {
          timedOut = true;
          // Closing the stream is all the exec API offers: Kubernetes has no kill for an exec'd
          // process. A peer that does not answer the close handshake is cut off after a second.
          socket.close();
          setTimeout(() => socket.terminate(), 1000).unref();
        }, timeoutMs);
        socket.on('close', () => {
          clearTimeout(t);
          resolve();
        });
      });
      const exit = timedOut || status === undefined ? undefined : parseExecStatus(status);
      const note = timedOut ? `\n(timed out after ${timeoutMs} ms)` : exit === undefined ? '\n(the exec stream closed without an exit status)' : exit.message && exit.exitCode !== 0 ? `${err.text() === '' ? '' : '\n'}${exit.message}` : '';
      return {
        exitCode: exit?.exitCode ?? null,
        stdout: out.text(), stderr: err.text() + note,
        truncated: out.truncated() || err.truncated(),
        timedOut,
      };
    },
    // The control plane usually cannot reach pods (NetworkPolicy, remote cluster): readiness is the
    // pod's Ready condition, which the kubelet sets from the readiness probe on /readyz.
    async observeHealth(id) {
      const loc = await locate(id);
      return podHealth(podName(loc.gateway), await read<PodView>('v1', 'Pod', loc.namespace, podName(loc.gateway)));
    },
    endpoint(id, port) {
      const { org, gateway } = parseDeploymentId(id);
      const namespace = located.get(id)?.namespace ?? namespaceFor(org);
      return opts.endpointFor ? opts.endpointFor(namespace, gateway, port) : { host: `${gateway}.${namespace}.svc`, port };
    },
    stateDirFor: () => CONTAINER_STATE_DIR,
    async namespaceOf(id) {
      return (await locate(id)).namespace;
    },
  };
}
