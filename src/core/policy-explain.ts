// `clawplane policy explain agent/NAME` from plain documents (pure).
import { type ResourceDoc, agentIdOf, indexFleet } from './effective-gateway.ts';
import type { Issue } from './issues.ts';
import { buildCatalog } from './policy-catalog.ts';
import { type PolicyExplanation, type PolicyTarget, explainPolicy, indexPolicies, policyChain, usageOf } from './policy.ts';
import type { SpecOf } from './resources.ts';

/** Explain the effective policy of one agent (by metadata.name); undefined when there is no such agent. */
export function explainAgentPolicy(docs: readonly ResourceDoc[], agentName: string, org?: string): (PolicyExplanation & { agentId: string; issues: Issue[] }) | undefined {
  const ix = indexFleet(docs);
  const agent = (ix.byKind.get('Agent') ?? []).find((a) => a.metadata.name === agentName && (org === undefined || ix.orgOf(a) === org));
  if (!agent) return undefined;
  const agentOrg = ix.orgOf(agent);
  const gw = (ix.byKind.get('Gateway') ?? []).find((g) => g.metadata.name === agent.metadata.gateway && ix.orgOf(g) === agentOrg);
  const target: PolicyTarget = { org: agentOrg, gateway: agent.metadata.gateway ?? '', agent: agentName };
  if (gw?.metadata.group) target.group = gw.metadata.group;
  const catalog = buildCatalog((ix.byKind.get('CatalogEntry') ?? []).map((d) => d.spec as SpecOf<'CatalogEntry'>));
  const issues: Issue[] = [];
  const chain = policyChain(indexPolicies(ix), catalog, target, issues);
  const channels = (ix.byKind.get('ChannelAccount') ?? [])
    .filter((c) => ix.orgOf(c) === agentOrg && c.metadata.gateway === agent.metadata.gateway && (c.spec as SpecOf<'ChannelAccount'>).agent === agentName)
    .map((c) => (c.spec as SpecOf<'ChannelAccount'>).channel);
  return { ...explainPolicy(chain, catalog, target, usageOf(agent.spec as SpecOf<'Agent'>, channels)), agentId: agentIdOf(agent), issues };
}
