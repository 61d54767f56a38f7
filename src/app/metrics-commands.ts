// What the metrics endpoint and `clawplane top` report: per visible organization, each gateway's
// observed state and resource figures, and the rollouts by phase. Read-only; no secrets.
import { type Actor, authorize, canRead } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { listAll } from './org-state.ts';
import { getResource } from './resource-commands.ts';
import type { GatewayStats } from '../core/ports/runtime.ts';

export interface GatewayMetrics {
  org: string;
  name: string;
  group?: string;
  target: string;
  /** Observed phase (running, stopped, …) or "unknown" before the first reconcile. */
  phase: string;
  ready: boolean;
  /** Restarts done by the reconciler after crashes. */
  restarts: number;
  /** Sampled in the background; absent when the gateway is not running or not sampled yet. */
  stats?: GatewayStats;
  statsAt?: string;
}

export interface FleetMetrics {
  /** True when the caller reads every organization (global viewer or more): control-plane wide series are theirs too. */
  global: boolean;
  gateways: GatewayMetrics[];
  rollouts: { org: string; name: string; phase: string }[];
  agents: { org: string; count: number }[];
}

interface StatusView {
  phase?: string;
  restarts?: number;
  health?: { ready?: boolean };
}

function gatewayRow(deps: AppDeps, org: string, r: { metadata: { name: string; group?: string }; spec: unknown; status?: unknown }): GatewayMetrics {
  const st = (r.status ?? {}) as StatusView;
  const spec = r.spec as { target?: { kind?: string } };
  const sampled = deps.runtime?.sampledStats?.(org, r.metadata.name);
  return {
    org,
    name: r.metadata.name,
    ...(r.metadata.group ? { group: r.metadata.group } : {}),
    target: spec.target?.kind ?? 'process',
    phase: st.phase ?? 'unknown',
    ready: st.health?.ready === true,
    restarts: st.restarts ?? 0,
    ...(sampled ? { stats: sampled.stats, statsAt: sampled.at } : {}),
  };
}

/** The fleet as the caller may see it: only organizations where it is viewer or more. */
export async function fleetMetrics(deps: AppDeps, actor: Actor, only?: { org: string }): Promise<FleetMetrics> {
  if (only) authorize(actor, only.org, 'read');
  return deps.store.transaction(async (repos) => {
    const orgs = (await repos.resources.listOrganizations()).map((o) => o.metadata.name).filter((o) => canRead(actor, o) && (!only || o === only.org)).sort();
    const out: FleetMetrics = { global: canRead(actor, '*'), gateways: [], rollouts: [], agents: [] };
    for (const org of orgs) {
      for (const g of await listAll(repos, org, 'Gateway')) out.gateways.push(gatewayRow(deps, org, g));
      for (const r of await listAll(repos, org, 'Rollout')) out.rollouts.push({ org, name: r.metadata.name, phase: ((r.status ?? {}) as { phase?: string }).phase ?? 'Pending' });
      out.agents.push({ org, count: (await listAll(repos, org, 'Agent')).length });
    }
    return out;
  });
}

/** Live figures of one gateway, asked of its driver now. */
export async function gatewayStats(deps: AppDeps, actor: Actor, org: string, name: string): Promise<GatewayMetrics & { at: string }> {
  authorize(actor, org, 'read');
  const r = await getResource(deps, actor, org, 'Gateway', name);
  if (!deps.runtime?.stats) throw new AppError('unavailable', 'no runtime is attached to this control plane');
  const row = gatewayRow(deps, org, r);
  const stats = row.phase === 'running' ? await deps.runtime.stats(org, name) : undefined;
  const { stats: _sampled, statsAt: _sampledAt, ...rest } = row;
  return { ...rest, ...(stats ? { stats } : {}), at: deps.now().toISOString() };
}
