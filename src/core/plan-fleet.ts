// Offline preflight plan of a whole fleet: documents → per gateway {effective, issues, routing,
// policy, rendered?}. Pure; rendering is injected (the runtime adapter's render function).
import { type EffectiveOptions, type ResourceDoc, buildEffectiveGateways, indexFleet } from './effective-gateway.ts';
import { type Issue, hasErrors } from './issues.ts';
import type { EffectiveGateway } from './model.ts';
import { type Catalog, buildCatalog } from './policy-catalog.ts';
import { type Decision, type EffectivePolicy, type PolicyTarget, type ScopeRules, indexPolicies, policyChain, resolvePolicy } from './policy.ts';
import type { RenderedGateway } from './ports/claw-adapter.ts';
import { type RouteEntry, checkExposure, checkIsolation, checkPolicy, checkRouting, checkTrust } from './preflight.ts';
import type { SpecOf } from './resources.ts';

export interface GatewayPlan {
  gateway: string;
  org: string;
  effective: EffectiveGateway;
  routing: RouteEntry[];
  policy: { gateway: EffectivePolicy; agents: Record<string, { effective: EffectivePolicy; decisions: Decision[] }> };
  rendered?: RenderedGateway;
  issues: Issue[];
}

export interface FleetPlan {
  gateways: GatewayPlan[];
  /** Issues not tied to one gateway (cross-gateway isolation, unknown packs, …) are also copied here. */
  issues: Issue[];
  ok: boolean;
}

export interface PlanOptions extends EffectiveOptions {
  /** Render (and validate) one gateway; issues it returns join the gateway's issues. */
  render?: (g: EffectiveGateway) => RenderedGateway;
  catalog?: Catalog;
}

function byResource(issues: Issue[], g: EffectiveGateway): Issue[] {
  const names = new Set([`Gateway/${g.name}`, ...g.agents.map((a) => `Agent/${a.name}`), ...g.accounts.map((a) => `ChannelAccount/${a.name}`), ...g.bindings.map((b) => `Binding/${b.name}`)]);
  return issues.filter((i) => i.resource !== undefined && names.has(i.resource));
}

export function planFleet(docs: readonly ResourceDoc[], opts: PlanOptions): FleetPlan {
  const ix = indexFleet(docs);
  const catalog = opts.catalog ?? buildCatalog((ix.byKind.get('CatalogEntry') ?? []).map((d) => d.spec as SpecOf<'CatalogEntry'>));
  const pix = indexPolicies(ix);
  const effective = buildEffectiveGateways(docs, opts);
  const fleetIssues: Issue[] = checkIsolation(effective);
  const packIssues: Issue[] = [];
  const gateways: GatewayPlan[] = [];
  for (const g of effective) {
    const target: PolicyTarget = { org: g.org, gateway: g.name };
    if (g.group) target.group = g.group;
    const gwChain = policyChain(pix, catalog, target, packIssues);
    const gwPolicy = resolvePolicy(gwChain);
    const chains = new Map<string, ScopeRules[]>();
    const chainFor = (agentName: string): ScopeRules[] => {
      let c = chains.get(agentName);
      if (!c) {
        c = policyChain(pix, catalog, { ...target, agent: agentName }, packIssues);
        chains.set(agentName, c);
      }
      return c;
    };
    const routing = checkRouting(g);
    const pol = checkPolicy(g, catalog, chainFor);
    const agentsPolicy: GatewayPlan['policy']['agents'] = {};
    const renderPolicy: Record<string, EffectivePolicy> = {};
    for (const a of g.agents) {
      const eff = resolvePolicy(chainFor(a.name));
      agentsPolicy[a.agentId] = { effective: eff, decisions: pol.decisions[a.agentId] ?? [] };
      renderPolicy[a.agentId] = eff;
    }
    g.policy = { gateway: gwPolicy, agents: renderPolicy };
    const issues: Issue[] = [
      ...g.issues,
      ...routing.issues,
      ...checkExposure(g, gwPolicy),
      ...checkTrust(g, g.agents.some((a) => a.spec.kind === 'human') ? mergeSharing(gwPolicy, g.agents.map((a) => agentsPolicy[a.agentId]?.effective)) : gwPolicy),
      ...pol.issues,
      ...byResource(fleetIssues, g),
    ];
    const plan: GatewayPlan = { gateway: g.name, org: g.org, effective: g, routing: routing.routes, policy: { gateway: gwPolicy, agents: agentsPolicy }, issues };
    if (opts.render) {
      const rendered = opts.render(g);
      plan.rendered = rendered;
      issues.push(...rendered.issues);
    }
    gateways.push(plan);
  }
  const seen = new Set<string>();
  const unique = packIssues.filter((i) => {
    const k = `${i.resource}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const all = [...fleetIssues, ...unique];
  return { gateways, issues: all, ok: !hasErrors(all) && gateways.every((p) => !hasErrors(p.issues)) };
}

/** Sharing of a human gateway needs every agent's policy (and the gateway's) to allow it. */
function mergeSharing(gw: EffectivePolicy, agents: (EffectivePolicy | undefined)[]): EffectivePolicy {
  const allowed = gw.allowSharedHumanGateways || (agents.length > 0 && agents.every((a) => a?.allowSharedHumanGateways === true));
  return { ...gw, allowSharedHumanGateways: allowed };
}
