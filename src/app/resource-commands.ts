// Read and delete use cases for resources (create/update go through applyDocuments).
import type { Kind, Resource } from '../core/resources.ts';
import { type ListOptions, type Page, StoreConflict, StoreInvalidInput } from '../core/ports/store.ts';
import { type Actor, authorize, visibleOrgs } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { assertAgentMayChange } from './agent-guard.ts';
import { AppError } from './app-error.ts';
import { listAll } from './org-state.ts';
import { purgeNamespaces } from './secret-commands.ts';
import { recordAudit } from './record-audit.ts';
import { userView } from './apply-documents.ts';
import { diffJson } from '../core/json-diff.ts';

export async function getResource<K extends Kind>(deps: AppDeps, actor: Actor, org: string, kind: K, name: string): Promise<Resource<K>> {
  authorize(actor, org, 'read');
  const r = await deps.store.transaction((repos) => repos.resources.get(org, kind, name));
  if (!r) throw new AppError('not_found', `${kind} "${name}" not found in organization "${org}"`);
  return r;
}

export async function listResources<K extends Kind>(deps: AppDeps, actor: Actor, org: string, kind: K, opts: ListOptions = {}): Promise<Page<Resource<K>>> {
  authorize(actor, org, 'read');
  if (opts.limit !== undefined && (opts.limit < 1 || opts.limit > 1000)) throw new AppError('invalid', 'limit must be between 1 and 1000');
  return deps.store.transaction((repos) => repos.resources.list(org, kind, opts)).catch((e: unknown) => {
    if (e instanceof StoreInvalidInput) throw new AppError('invalid', e.message);
    throw e;
  });
}

export async function listOrganizations(deps: AppDeps, actor: Actor): Promise<Resource<'Organization'>[]> {
  const orgs = await deps.store.transaction((repos) => repos.resources.listOrganizations());
  const visible = new Set(visibleOrgs(actor, orgs.map((o) => o.metadata.name)));
  return orgs.filter((o) => visible.has(o.metadata.name));
}

export interface DeleteResult {
  deleted: { kind: Kind; name: string }[];
  /** Agents' state archived when they were removed from a gateway that still exists. */
  archives?: string[];
}

/** Children removed together with a resource (a gateway's agents, an agent's routes). */
async function dependents(deps: AppDeps, org: string, kind: Kind, name: string): Promise<Resource[]> {
  return deps.store.transaction(async (repos) => {
    if (kind === 'Gateway') {
      const out: Resource[] = [];
      for (const k of ['Binding', 'ChannelAccount', 'Agent'] as const) out.push(...(await listAll(repos, org, k, { gateway: name })));
      return out;
    }
    if (kind === 'Agent') {
      const out: Resource[] = [];
      for (const k of ['Binding', 'ChannelAccount'] as const) {
        out.push(...(await listAll(repos, org, k)).filter((r) => (r.spec as { agent?: string }).agent === name));
      }
      return out;
    }
    if (kind === 'Organization') {
      const out: Resource[] = [];
      for (const k of ['Group', 'Gateway', 'Secret', 'Policy', 'ConfigTemplate'] as const) out.push(...(await listAll(repos, org, k)));
      return out;
    }
    return [];
  });
}

export async function deleteResource(
  deps: AppDeps,
  actor: Actor,
  org: string,
  kind: Kind,
  name: string,
  opts: { expectedVersion?: number; requestId?: string } = {},
): Promise<DeleteResult> {
  authorize(actor, org, kind === 'Organization' || kind === 'RoleBinding' ? 'admin' : 'write');
  assertAgentMayChange(actor, org, kind, name);
  const children = await dependents(deps, org, kind, name);
  if (kind === 'Organization' && children.length > 0) {
    throw new AppError('conflict', `organization "${org}" still has ${children.length} resource(s); delete them first`);
  }
  const now = deps.now();
  let agentSpec: { agentId?: string } = {};
  const deleted = await deps.store
    .transaction(async (repos) => {
      const target = await repos.resources.get(org, kind, name);
      if (!target) throw new AppError('not_found', `${kind} "${name}" not found in organization "${org}"`);
      const phase = (target.status as { phase?: unknown } | undefined)?.phase;
      if (target.kind === 'Rollout' && typeof phase === 'string' && ['AwaitingApproval', 'Progressing', 'Paused', 'RollingBack'].includes(phase)) {
        throw new AppError('conflict', `rollout "${name}" is ${phase}; abort it first (clawplane rollout abort ${name})`);
      }
      if (target.kind === 'Agent') agentSpec = target.spec as { agentId?: string };
      const out: { kind: Kind; name: string; gateway?: string }[] = [];
      for (const c of children) {
        await repos.resources.delete(org, c.kind, c.metadata.name);
        await recordAudit(repos, actor, { org, action: 'resource.delete', target: `${c.kind}/${c.metadata.name}`, diff: diffJson(userView(c), undefined), ...(opts.requestId ? { requestId: opts.requestId } : {}) }, now);
        out.push({ kind: c.kind, name: c.metadata.name, ...(c.metadata.gateway ? { gateway: c.metadata.gateway } : {}) });
      }
      await repos.resources.delete(org, kind, name, opts.expectedVersion);
      if (kind === 'RoleBinding') {
        const user = await repos.auth.getUserByName((target.spec as { user: string }).user);
        if (user) await repos.auth.revoke(user.id, org);
      }
      await recordAudit(repos, actor, { org, action: 'resource.delete', target: `${kind}/${name}`, diff: diffJson(userView(target), undefined), ...(opts.requestId ? { requestId: opts.requestId } : {}) }, now);
      out.push({ kind, name, ...(target.metadata.gateway ? { gateway: target.metadata.gateway } : {}) });
      return out;
    })
    .catch((e: unknown) => {
      if (e instanceof StoreConflict) throw new AppError('conflict', e.message);
      throw e;
    });
  for (const d of deleted) {
    deps.events.publish({ type: 'DELETED', org, kind: d.kind, name: d.name, time: now.toISOString() });
    deps.onChange?.({ org, kind: d.kind, name: d.name, ...(d.gateway ? { gateway: d.gateway } : {}) });
  }
  // Zero residue: the local values kept in the namespaces of deleted gateways and agents go too.
  await purgeNamespaces(deps, actor, org, deleted);
  const archives: string[] = [];
  if (kind === 'Agent' && deps.runtime) {
    const agent = deleted.find((d) => d.kind === 'Agent');
    if (agent?.gateway) {
      const archive = await deps.runtime.archiveAgent(org, agent.gateway, agentSpec.agentId ?? agent.name).catch(() => undefined);
      if (archive) archives.push(archive);
    }
  }
  return { deleted: deleted.map(({ kind: k, name: n }) => ({ kind: k, name: n })), ...(archives.length > 0 ? { archives } : {}) };
}

/** Status is written by the system (reconciler), never by users. */
export async function writeStatus(deps: AppDeps, org: string, kind: Kind, name: string, status: Record<string, unknown>): Promise<Resource | undefined> {
  const now = deps.now().toISOString();
  const r = await deps.store.transaction(async (repos) => {
    if (!(await repos.resources.get(org, kind, name))) return undefined;
    return repos.resources.updateStatus(org, kind, name, status, now);
  });
  if (r) deps.events.publish({ type: 'STATUS', org, kind, name, resourceVersion: r.metadata.resourceVersion, time: now });
  return r;
}

