// Build the EffectiveGateway model (core/model.ts) of every gateway from plain resource documents.
// Pure: the state dir layout comes from the caller (`stateDirFor`), nothing is read from disk.
import { type FleetIndex, type ResourceDoc, indexFleet } from './fleet-index.ts';
import type { ConfigLayer, EffectiveAgent, EffectiveGateway } from './model.ts';

export { type FleetIndex, type ResourceDoc, indexFleet };
import type { SpecOf } from './resources.ts';

export interface EffectiveOptions {
  /** Absolute state dir of a gateway as its runtime sees it, unless the Gateway sets spec.paths.stateDir. */
  stateDirFor: (gateway: { org: string; name: string; target?: 'process' | 'docker' | 'kubernetes' }) => string;
  defaultRuntimeVersion: string;
}

export const DEFAULT_PORT_BASE = 18800;
/** OpenClaw derives browser (base+2) and CDP (base+11…base+110) ports: leave ≥120 between gateways. */
export const PORT_SPACING = 120;

function of<K extends string>(ix: FleetIndex, kind: K): ResourceDoc[] {
  return ix.byKind.get(kind) ?? [];
}

const scopeRank: Record<string, number> = { org: 1, group: 2, gateway: 3, agent: 4 };

function portBlocks(ports: number[]): (p: number) => boolean {
  return (p) => ports.some((q) => Math.abs(q - p) < PORT_SPACING);
}

/** Ports for every gateway without one: per org, from spec.portRange.from (or 18800) in steps of 120. */
export function allocatePorts(ix: FleetIndex, targetKindOf: (g: ResourceDoc) => string = () => 'process', exhausted: string[] = []): Map<string, number> {
  const out = new Map<string, number>();
  const hostPorts: number[] = [];
  const gateways = [...of(ix, 'Gateway')].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const orgs = new Map(of(ix, 'Organization').map((o) => [o.metadata.name, o.spec as SpecOf<'Organization'>]));
  const used = gateways.map((g) => (g.spec as SpecOf<'Gateway'>).port).filter((p): p is number => typeof p === 'number');
  const taken = portBlocks(used);
  const cursor = new Map<string, number>();
  for (const g of gateways) {
    const org = ix.orgOf(g);
    const spec = g.spec as SpecOf<'Gateway'>;
    const key = `${org}/${g.metadata.name}`;
    if (spec.port !== undefined) {
      out.set(key, spec.port);
      continue;
    }
    const range = orgs.get(org)?.portRange;
    if (targetKindOf(g) === 'kubernetes') {
      // every pod has its own network namespace: no host port to share
      out.set(key, range?.from ?? DEFAULT_PORT_BASE);
      continue;
    }
    let p = cursor.get(org) ?? range?.from ?? DEFAULT_PORT_BASE;
    const to = range?.to ?? 65535 - PORT_SPACING;
    while ((taken(p) || hostPorts.some((q) => Math.abs(q - p) < PORT_SPACING)) && p <= to) p += PORT_SPACING;
    if (p > to) {
      exhausted.push(`${org}/${g.metadata.name}`);
      continue;
    }
    out.set(key, p);
    hostPorts.push(p);
    cursor.set(org, p + PORT_SPACING);
  }
  return out;
}

export function agentIdOf(agent: ResourceDoc): string {
  return (agent.spec as SpecOf<'Agent'>).agentId ?? agent.metadata.name;
}

/** Build the effective model of every gateway in the documents, sorted by org and name. */
export function buildEffectiveGateways(docs: readonly ResourceDoc[], opts: EffectiveOptions): EffectiveGateway[] {
  const ix = indexFleet(docs);
  const orgs = new Map(of(ix, 'Organization').map((o) => [o.metadata.name, o]));
  const groups = new Map(of(ix, 'Group').map((g) => [`${ix.orgOf(g)}/${g.metadata.name}`, g]));
  const targetKindOf = (g: ResourceDoc): string => {
    const org = ix.orgOf(g);
    return (g.spec as SpecOf<'Gateway'>).target?.kind
      ?? (g.metadata.group ? (groups.get(`${org}/${g.metadata.group}`)?.spec as SpecOf<'Group'> | undefined)?.defaults?.target?.kind : undefined)
      ?? (orgs.get(org)?.spec as SpecOf<'Organization'> | undefined)?.defaults?.target?.kind
      ?? 'process';
  };
  const exhausted: string[] = [];
  const ports = allocatePorts(ix, targetKindOf, exhausted);
  const childrenOf = (kind: string): Map<string, ResourceDoc[]> => {
    const m = new Map<string, ResourceDoc[]>();
    for (const d of of(ix, kind)) {
      const k = `${ix.orgOf(d)}/${d.metadata.gateway ?? ''}`;
      const list = m.get(k);
      if (list) list.push(d);
      else m.set(k, [d]);
    }
    return m;
  };
  const agentsByGw = childrenOf('Agent');
  const accountsByGw = childrenOf('ChannelAccount');
  const bindingsByGw = childrenOf('Binding');
  const templates = of(ix, 'ConfigTemplate');

  const result: EffectiveGateway[] = [];
  const gateways = [...of(ix, 'Gateway')].sort((a, b) => `${ix.orgOf(a)}/${a.metadata.name}`.localeCompare(`${ix.orgOf(b)}/${b.metadata.name}`));
  for (const g of gateways) {
    const org = ix.orgOf(g);
    const name = g.metadata.name;
    const key = `${org}/${name}`;
    const spec = g.spec as SpecOf<'Gateway'>;
    const groupName = g.metadata.group;
    const orgDefaults = (orgs.get(org)?.spec as SpecOf<'Organization'> | undefined)?.defaults;
    const groupDefaults = groupName ? (groups.get(`${org}/${groupName}`)?.spec as SpecOf<'Group'> | undefined)?.defaults : undefined;
    const runtimeKind = spec.runtime?.kind ?? groupDefaults?.runtime?.kind ?? orgDefaults?.runtime?.kind ?? 'openclaw';
    const version = spec.runtime?.version ?? groupDefaults?.runtime?.version ?? orgDefaults?.runtime?.version ?? opts.defaultRuntimeVersion;
    const targetSrc = spec.target ?? groupDefaults?.target ?? orgDefaults?.target;
    const target: EffectiveGateway['target'] = { kind: targetSrc?.kind ?? 'process' };
    if (targetSrc?.image) target.image = targetSrc.image;
    if (targetSrc?.namespace) target.namespace = targetSrc.namespace;
    const stateDir = spec.paths?.stateDir ?? opts.stateDirFor({ org, name, target: target.kind });

    const agentDocs = [...(agentsByGw.get(key) ?? [])].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const agents: EffectiveAgent[] = agentDocs.map((a) => {
      const agentId = agentIdOf(a);
      return {
        name: a.metadata.name,
        agentId,
        spec: a.spec as SpecOf<'Agent'>,
        workspace: `${stateDir}/workspaces/${agentId}`,
        agentDir: `${stateDir}/agents/${agentId}/agent`,
      };
    });
    const agentIdByName = new Map(agents.map((a) => [a.name, a.agentId]));

    const layers: (ConfigLayer & { rank: number; priority: number; name: string })[] = [];
    for (const t of templates) {
      if (ix.orgOf(t) !== org) continue;
      const ts = t.spec as SpecOf<'ConfigTemplate'>;
      const base = { source: `ConfigTemplate/${t.metadata.name}`, content: ts.content, rank: scopeRank[ts.scope.kind] ?? 0, priority: ts.priority, name: t.metadata.name };
      const withFiles = ts.files ? { files: ts.files } : {};
      if (ts.scope.kind === 'org') layers.push({ ...base, ...withFiles, scope: 'org' });
      else if (ts.scope.kind === 'group' && groupName && ts.scope.name === groupName) layers.push({ ...base, ...withFiles, scope: 'group' });
      else if (ts.scope.kind === 'gateway' && ts.scope.name === name) layers.push({ ...base, ...withFiles, scope: 'gateway' });
      else if (ts.scope.kind === 'agent' && ts.scope.name) {
        const agentId = agentIdByName.get(ts.scope.name);
        if (agentId) layers.push({ ...base, ...withFiles, scope: 'agent', agentId });
      }
    }
    layers.sort((a, b) => a.rank - b.rank || a.priority - b.priority || a.name.localeCompare(b.name));

    const eg: EffectiveGateway = {
      org,
      name,
      spec,
      runtime: { kind: runtimeKind, version },
      target,
      port: ports.get(key) ?? 0,
      stateDir,
      agents,
      accounts: [...(accountsByGw.get(key) ?? [])]
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
        .map((a) => ({ name: a.metadata.name, spec: a.spec as SpecOf<'ChannelAccount'> })),
      bindings: [...(bindingsByGw.get(key) ?? [])]
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
        .map((b) => ({ name: b.metadata.name, spec: b.spec as SpecOf<'Binding'> })),
      layers: layers.map(({ rank: _r, priority: _p, name: _n, ...l }) => l),
      issues: exhausted.includes(key)
        ? [{ code: 'port_range_exhausted', severity: 'error', resource: `Gateway/${name}`, path: 'spec.port', message: `no free port left in the org's port range (spacing ${PORT_SPACING})`, hint: 'widen Organization spec.portRange, set spec.port, or run gateways on another target' }]
        : [],
    };
    if (groupName) eg.group = groupName;
    result.push(eg);
  }
  return result;
}
