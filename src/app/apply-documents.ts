// `clawplane apply` / `diff`: all-or-nothing application of fleet documents in one transaction,
// with one audit event per changed resource.
import { checkReferences, type FleetDocument } from '../core/fleet-file.ts';
import { hasErrors, type Issue } from '../core/issues.ts';
import { type DiffEntry, diffJson } from '../core/json-diff.ts';
import { type Kind, type Resource, type Role, kindNames } from '../core/resources.ts';
import { type Repos, StoreConflict } from '../core/ports/store.ts';
import { type Actor, authorize, isGlobalAdmin } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { assertAgentMayChange } from './agent-guard.ts';
import { AppError } from './app-error.ts';
import { recordAudit } from './record-audit.ts';
import { listAll, loadOrgDocuments } from './org-state.ts';

export interface ApplyItem {
  org: string;
  kind: Kind;
  name: string;
  action: 'created' | 'configured' | 'unchanged';
  diff: DiffEntry[];
  resourceVersion?: number;
  generation?: number;
}

export interface ApplyResult {
  dryRun: boolean;
  items: ApplyItem[];
  warnings: Issue[];
}

/** Apply order: parents before children. */
export const KIND_ORDER: Kind[] = [
  'Organization', 'Group', 'Secret', 'CatalogEntry', 'Policy', 'ConfigTemplate', 'Gateway', 'Agent',
  'ChannelAccount', 'Binding', 'Team', 'RoleBinding', 'Rollout',
];
export const kindRank = (k: Kind): number => KIND_ORDER.indexOf(k);

/** What of a resource the user controls, for diffs and change detection. */
export function userView(r: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string>; group?: string; gateway?: string }; spec: unknown }): unknown {
  const { labels, annotations, group, gateway } = r.metadata;
  return { metadata: { labels: labels ?? {}, annotations: annotations ?? {}, group, gateway }, spec: r.spec };
}

function authorizeDocument(actor: Actor, doc: FleetDocument, existingOrg: boolean, dryRun: boolean, unchanged: boolean): void {
  const org = doc.metadata.org;
  if (dryRun && existingOrg) {
    authorize(actor, org, 'read');
    return;
  }
  if (doc.kind === 'Organization') {
    if (!existingOrg) {
      if (!isGlobalAdmin(actor)) throw new AppError('forbidden', `creating organization "${org}" needs a global admin`);
      return;
    }
    // re-applying an unchanged Organization document is fine for operators
    authorize(actor, org, unchanged ? 'write' : 'admin');
    if (!unchanged) assertAgentMayChange(actor, org, doc.kind, doc.metadata.name);
    return;
  }
  authorize(actor, org, doc.kind === 'RoleBinding' && !unchanged ? 'admin' : 'write');
  if (!unchanged) assertAgentMayChange(actor, org, doc.kind, doc.metadata.name);
}

async function checkAgainstStore(repos: Repos, deps: AppDeps, documents: FleetDocument[]): Promise<Issue[]> {
  const orgs = [...new Set(documents.map((d) => d.metadata.org))];
  const known = new Set<string>();
  for (const org of orgs) {
    for (const kind of kindNames) {
      for (const r of await listAll(repos, org, kind)) known.add(`${org}/${kind}/${r.metadata.name}`);
    }
  }
  for (const o of await repos.resources.listOrganizations()) known.add(`${o.metadata.name}/Organization/${o.metadata.name}`);
  const issues = checkReferences(documents, (org, kind, name) => known.has(`${org}/${kind}/${name}`));
  if (deps.preflight) {
    for (const org of orgs) {
      const state = await loadOrgDocuments(repos, org);
      const byKey = new Map(state.map((d) => [`${d.kind}/${d.metadata.name}`, d]));
      for (const d of documents) if (d.metadata.org === org) byKey.set(`${d.kind}/${d.metadata.name}`, d);
      issues.push(...deps.preflight(org, [...byKey.values()]));
    }
  }
  return issues;
}

export async function applyDocuments(
  deps: AppDeps,
  actor: Actor,
  documents: FleetDocument[],
  opts: {
    dryRun?: boolean; requestId?: string; mode?: 'apply' | 'create' | 'replace';
    /** Runs inside the apply's transaction after the documents were written (not on dry runs). */
    beforeCommit?: (repos: Repos) => Promise<void>;
  } = {},
): Promise<ApplyResult> {
  if (documents.length === 0) throw new AppError('invalid', 'nothing to apply: no documents');
  const rollout = documents.find((d) => d.kind === 'Rollout');
  if (rollout) {
    throw new AppError('invalid', `Rollout "${rollout.metadata.name}" cannot be applied or created as a document: start it with \`clawplane rollout start\` (POST /v1/orgs/${rollout.metadata.org}/rollouts/${rollout.metadata.name}/start)`);
  }
  const ordered = [...documents].sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
  const now = deps.now();
  const changed: ApplyItem[] = [];
  const result = await deps.store.transaction(async (repos) => {
    const orgExists = new Set((await repos.resources.listOrganizations()).map((o) => o.metadata.name));
    for (const d of ordered) {
      const existing = orgExists.has(d.metadata.org) ? await repos.resources.get(d.metadata.org, d.kind, d.metadata.name) : undefined;
      const unchanged = existing !== undefined && diffJson(userView(existing), userView(d)).length === 0;
      authorizeDocument(actor, d, orgExists.has(d.metadata.org), Boolean(opts.dryRun), unchanged);
    }
    const issues = await checkAgainstStore(repos, deps, ordered);
    if (hasErrors(issues)) {
      throw new AppError('invalid', `the fleet has ${issues.filter((i) => i.severity === 'error').length} error(s); nothing was applied`, issues);
    }
    const items: ApplyItem[] = [];
    for (const d of ordered) {
      const { org, name } = d.metadata;
      const existing: Resource | undefined = await repos.resources.get(org, d.kind, name);
      const input = { kind: d.kind, metadata: { ...d.metadata }, spec: d.spec };
      delete (input.metadata as { resourceVersion?: number }).resourceVersion;
      if (opts.mode === 'create' && existing) throw new AppError('conflict', `${d.kind} "${name}" already exists in organization "${org}"`);
      if (opts.mode === 'replace' && !existing) throw new AppError('not_found', `${d.kind} "${name}" not found in organization "${org}"`);
      const diff = diffJson(existing ? userView(existing) : undefined, userView(d));
      if (!existing) {
        const item: ApplyItem = { org, kind: d.kind, name, action: 'created', diff };
        if (!opts.dryRun) {
          const created = await repos.resources.create(input, now.toISOString(), deps.newId());
          item.resourceVersion = created.metadata.resourceVersion;
          item.generation = created.metadata.generation;
          await recordAudit(repos, actor, { org, action: 'resource.create', target: `${d.kind}/${name}`, diff, ...(opts.requestId ? { requestId: opts.requestId } : {}) }, now);
        }
        items.push(item);
      } else if (diff.length === 0) {
        items.push({ org, kind: d.kind, name, action: 'unchanged', diff, resourceVersion: existing.metadata.resourceVersion, generation: existing.metadata.generation });
      } else {
        const item: ApplyItem = { org, kind: d.kind, name, action: 'configured', diff };
        if (!opts.dryRun) {
          const updated = await repos.resources.update(input, now.toISOString(), d.metadata.resourceVersion);
          item.resourceVersion = updated.metadata.resourceVersion;
          item.generation = updated.metadata.generation;
          await recordAudit(repos, actor, { org, action: 'resource.update', target: `${d.kind}/${name}`, diff, ...(opts.requestId ? { requestId: opts.requestId } : {}) }, now);
        }
        items.push(item);
      }
      if (d.kind === 'RoleBinding' && !opts.dryRun) await applyRoleBinding(repos, deps, org, d.spec as { user: string; role: Role }, now, actor);
    }
    if (!opts.dryRun && opts.beforeCommit) await opts.beforeCommit(repos);
    return { dryRun: Boolean(opts.dryRun), items, warnings: issues.filter((i) => i.severity !== 'error') };
  }).catch((e: unknown) => {
    if (e instanceof StoreConflict) throw new AppError('conflict', e.message);
    throw e;
  });
  if (!opts.dryRun) {
    for (const item of result.items) if (item.action !== 'unchanged') changed.push(item);
    for (const item of changed) {
      deps.events.publish({ type: item.action === 'created' ? 'ADDED' : 'MODIFIED', org: item.org, kind: item.kind, name: item.name, ...(item.resourceVersion !== undefined ? { resourceVersion: item.resourceVersion } : {}), time: now.toISOString() });
      const doc = documents.find((d) => d.kind === item.kind && d.metadata.name === item.name && d.metadata.org === item.org);
      deps.onChange?.({ org: item.org, kind: item.kind, name: item.name, ...(doc?.metadata.gateway ? { gateway: doc.metadata.gateway } : {}) });
    }
  }
  return result;
}

async function applyRoleBinding(repos: Repos, deps: AppDeps, org: string, spec: { user: string; role: Role }, now: Date, actor: Actor): Promise<void> {
  let user = await repos.auth.getUserByName(spec.user);
  if (!user) user = await repos.auth.createUser({ id: deps.newId(), name: spec.user, createdAt: now.toISOString() });
  const before = (await repos.auth.grantsOf(user.id)).find((g) => g.org === org)?.role ?? null;
  await repos.auth.grant({ userId: user.id, org, role: spec.role });
  if (before !== spec.role) await recordAudit(repos, actor, { org, action: 'role.change', target: `User/${spec.user}`, diff: { from: before, to: spec.role, source: 'RoleBinding' } }, now);
}
