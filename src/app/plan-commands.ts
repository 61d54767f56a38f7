// Server-side preflight and explain: the planner itself is pure (core + adapter) and injected.
import { type FleetDocument, parseFleet } from '../core/fleet-file.ts';
import { hasErrors } from '../core/issues.ts';
import { type Actor, authorize, isGlobalAdmin } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { loadOrgDocuments } from './org-state.ts';
import { getResource } from './resource-commands.ts';

export type OrgPlanner = (org: string, documents: FleetDocument[]) => unknown;
export type GatewayExplainer = (org: string, gateway: string, path: string | undefined, documents: FleetDocument[]) => unknown;

/** Plan the stored state of `org`, or the stored state with a fleet file's documents on top. */
export async function planOrganization(
  deps: AppDeps,
  planner: OrgPlanner | undefined,
  actor: Actor,
  req: { org?: string | undefined; text: string; filename?: string | undefined },
): Promise<{ orgs: Record<string, unknown> }> {
  let incoming: FleetDocument[] = [];
  if (req.text.trim() !== '') {
    const parsed = parseFleet(req.text, req.filename ?? 'plan.yaml');
    if (hasErrors(parsed.issues)) throw new AppError('invalid', `the fleet file has ${parsed.issues.length} problem(s)`, parsed.issues);
    incoming = parsed.documents;
  }
  const orgs = new Set(incoming.map((d) => d.metadata.org));
  if (req.org) orgs.add(req.org);
  if (orgs.size === 0) throw new AppError('invalid', 'give ?org=NAME or a fleet file to plan');
  const out: Record<string, unknown> = {};
  for (const org of orgs) {
    const exists = await deps.store.transaction((repos) => repos.resources.get(org, 'Organization', org));
    if (exists) authorize(actor, org, 'read');
    const stored = exists ? await deps.store.transaction((repos) => loadOrgDocuments(repos, org)) : [];
    const byKey = new Map(stored.map((d) => [`${d.kind}/${d.metadata.name}`, d]));
    for (const d of incoming) if (d.metadata.org === org) byKey.set(`${d.kind}/${d.metadata.name}`, d);
    if (!exists && !isGlobalAdmin(actor)) throw new AppError('not_found', `organization "${org}" not found`);
    if (!planner) throw new AppError('unavailable', 'planning is not available on this server');
    out[org] = await planner(org, [...byKey.values()]);
  }
  return { orgs: out };
}

export async function explainGateway(deps: AppDeps, explainer: GatewayExplainer | undefined, actor: Actor, org: string, gateway: string, path: string | undefined): Promise<unknown> {
  await getResource(deps, actor, org, 'Gateway', gateway);
  if (!explainer) throw new AppError('unavailable', 'explain is not available on this server');
  const docs = await deps.store.transaction((repos) => loadOrgDocuments(repos, org));
  return explainer(org, gateway, path, docs);
}

export async function gatewayLogs(deps: AppDeps, actor: Actor, org: string, name: string, opts: { tailLines?: number; follow?: boolean; signal?: AbortSignal }): Promise<AsyncIterable<string>> {
  await getResource(deps, actor, org, 'Gateway', name);
  if (!deps.runtime) throw new AppError('unavailable', 'no runtime is attached to this control plane');
  return deps.runtime.logs(org, name, opts);
}

export type AgentPolicyExplainer = (org: string, agent: string, documents: FleetDocument[]) => unknown;

/** Effective integrations, skills and models of an agent and which scope decided each. */
export async function explainAgentPolicyCmd(deps: AppDeps, explainer: AgentPolicyExplainer | undefined, actor: Actor, org: string, agent: string): Promise<unknown> {
  await getResource(deps, actor, org, 'Agent', agent);
  if (!explainer) throw new AppError('unavailable', 'policy explain is not available on this server');
  const docs = await deps.store.transaction((repos) => loadOrgDocuments(repos, org));
  return explainer(org, agent, docs);
}
