// A gateway's live figures on Kubernetes: the metrics API (metrics.k8s.io/v1beta1 PodMetrics,
// served by metrics-server) for CPU and memory, the pod's container status for restarts. Pure.
import type { GatewayStats } from '../ports/runtime.ts';
import { GATEWAY_CONTAINER } from './gateway-manifests.ts';
import { cpuCores, memoryBytes } from './quantity.ts';

/** The part of a PodMetrics object read here. */
export interface PodMetricsView {
  containers?: { name?: string; usage?: { cpu?: string; memory?: string } }[];
}

/** The part of a Pod read here. */
export interface PodRestartsView {
  status?: { containerStatuses?: { name: string; restartCount?: number }[] };
}

export const METRICS_API_MISSING = 'the cluster serves no metrics API (metrics.k8s.io/v1beta1): install metrics-server for CPU and memory';

/**
 * PodMetrics (+ pod) → GatewayStats. CPU and memory are the gateway container's usage (all
 * containers summed when none is named `gateway`); cpuPercent is of one core (as `top` and the
 * docker driver show it: 250m → 25). Memory is the working set metrics-server reports. No pids:
 * the metrics API has none. `unavailable` says why CPU/memory are missing.
 */
export function podMetricsToStats(metrics: PodMetricsView | undefined, pod: PodRestartsView | undefined, unavailable?: string): GatewayStats {
  const restarts = pod?.status?.containerStatuses?.find((c) => c.name === GATEWAY_CONTAINER)?.restartCount;
  const base: GatewayStats = restarts !== undefined ? { restarts } : {};
  const all = metrics?.containers ?? [];
  const own = all.filter((c) => c.name === GATEWAY_CONTAINER);
  const used = own.length > 0 ? own : all;
  if (!metrics || used.length === 0) {
    const why = unavailable ?? (metrics ? 'the metrics API has no figures for the gateway container yet' : undefined);
    return { ...base, ...(why !== undefined ? { unavailable: why } : {}) };
  }
  let cpu: number | undefined;
  let mem: number | undefined;
  for (const c of used) {
    const cores = c.usage?.cpu !== undefined ? cpuCores(c.usage.cpu) : undefined;
    const bytes = c.usage?.memory !== undefined ? memoryBytes(c.usage.memory) : undefined;
    if (cores !== undefined) cpu = (cpu ?? 0) + cores;
    if (bytes !== undefined) mem = (mem ?? 0) + bytes;
  }
  return {
    ...(cpu !== undefined ? { cpuPercent: Math.round(cpu * 100 * 1e4) / 1e4 } : {}),
    ...(mem !== undefined ? { memoryBytes: mem } : {}),
    ...base,
  };
}

/**
 * Why a failed PodMetrics read means "no figures" rather than an error, or undefined when it is a
 * real error. A 404 without details is the API server saying the group is not served (no
 * metrics-server); a 404 naming the pod is metrics-server without a sample for it yet (just
 * started); 503 is a registered but unavailable metrics APIService.
 */
export function metricsUnavailableReason(code: number | undefined, body: unknown): string | undefined {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { message?: unknown; details?: { name?: unknown } };
  if (code === 404) {
    if (typeof b.details?.name === 'string' && b.details.name !== '') return `metrics-server has no sample for pod ${b.details.name} yet`;
    return METRICS_API_MISSING;
  }
  if (code === 503) return `the metrics API is unavailable (metrics-server not ready?)${typeof b.message === 'string' ? `: ${b.message}` : ''}`;
  return undefined;
}
