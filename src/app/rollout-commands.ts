// Rollouts (ADR 0010): start one (a fleet-file apply or a runtime version bump, held on the gateways'
// current revisions in the same transaction), control it (approve, pause, resume, abort), and the
// circuit breaker of runtime versions. The rollout controller (src/reconciler) does the rest.
import type { FleetDocument } from '../core/fleet-file.ts';
import { type Issue, issue } from '../core/issues.ts';
import type { Repos, VersionBreaker } from '../core/ports/store.ts';
import { StoreConflict } from '../core/ports/store.ts';
import { type Resource, dnsLabel, kinds } from '../core/resources.ts';
import { PINNED_REVISION_ANNOTATION, pinnedRevisionOf } from '../core/revisions.ts';
import {
  type ControlVerb, type RolloutChange, type RolloutSpec, type RolloutStatus, applyControl, filesFingerprint, gatewaysInActiveRollouts, newRolloutStatus,
} from '../core/rollout.ts';
import { type Actor, authorize } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { applyDocuments } from './apply-documents.ts';
import { listAll, loadOrgDocuments, toDocument } from './org-state.ts';
import { recordAudit } from './record-audit.ts';

export const DEFAULT_BREAKER_THRESHOLD = 2;

export interface StartRolloutInput {
  spec: unknown;
  /** The change as fleet documents (a fleet-file apply); or give spec.runtimeVersion. */
  documents?: FleetDocument[];
  requestId?: string;
}

function selects(g: Resource<'Gateway'>, sel: RolloutSpec['selector']): boolean {
  if (sel.group !== undefined && g.metadata.group !== sel.group) return false;
  if (sel.names && !sel.names.includes(g.metadata.name)) return false;
  for (const [k, v] of Object.entries(sel.labels ?? {})) if (g.metadata.labels?.[k] !== v) return false;
  return true;
}

function revisionOf(g: Resource<'Gateway'>): number | undefined {
  const r = (g.status as { revision?: unknown } | undefined)?.revision;
  return typeof r === 'number' ? r : undefined;
}

function conflict(message: string, issues: Issue[]): AppError {
  return new AppError('conflict', message, issues);
}

/** Start a rollout: validate, preflight, hold the affected gateways, write the change; all in one transaction. */
export async function startRollout(deps: AppDeps, actor: Actor, org: string, name: string, input: StartRolloutInput): Promise<Resource<'Rollout'>> {
  authorize(actor, org, 'write');
  if (!dnsLabel.safeParse(name).success) throw new AppError('invalid', `rollout name "${name}" must be a DNS-1123 label (lowercase letters, digits, "-")`);
  const parsed = kinds.Rollout.spec.safeParse(input.spec ?? {});
  if (!parsed.success) {
    throw new AppError('invalid', `invalid rollout spec: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`).join('; ')}`,
      parsed.error.issues.map((i) => issue('invalid_rollout', `spec.${i.path.join('.')}`, i.message)));
  }
  const spec = parsed.data;
  const documents = input.documents ?? [];
  if (documents.length === 0 && spec.runtimeVersion === undefined) throw new AppError('invalid', 'nothing to roll out: give a fleet file (documents) or spec.runtimeVersion');
  if (documents.length > 0 && spec.runtimeVersion !== undefined) throw new AppError('invalid', 'give either a fleet file or spec.runtimeVersion, not both');
  for (const d of documents) {
    if (d.metadata.org !== org) throw new AppError('invalid', `${d.kind}/${d.metadata.name} belongs to organization "${d.metadata.org}"; a rollout changes one organization ("${org}")`);
    if (d.kind === 'Rollout') throw new AppError('invalid', `Rollout/${d.metadata.name}: a rollout cannot contain a Rollout document`);
  }
  const fingerprint = deps.fingerprintGateways;
  if (!fingerprint) throw new AppError('unavailable', 'rollouts need the planner; this server runs without it');
  const threshold = deps.rollouts?.breakerThreshold ?? DEFAULT_BREAKER_THRESHOLD;

  const read = await deps.store.transaction(async (repos) => ({
    before: await loadOrgDocuments(repos, org),
    gateways: await listAll(repos, org, 'Gateway'),
    rollouts: await listAll(repos, org, 'Rollout'),
    breakers: await repos.breakers.list(org),
  }));
  if (read.rollouts.some((r) => r.metadata.name === name)) throw new AppError('conflict', `rollout "${name}" already exists in organization "${org}"; choose another name`);
  const selected = read.gateways.filter((g) => selects(g, spec.selector));
  const unknown = (spec.selector.names ?? []).filter((n) => !read.gateways.some((g) => g.metadata.name === n));
  if (unknown.length > 0) throw new AppError('invalid', `spec.selector.names: no gateway ${unknown.map((n) => `"${n}"`).join(', ')} in organization "${org}"`);
  if (selected.length === 0) throw new AppError('invalid', 'the selector matches no gateway');

  // The desired state after the change.
  const byKey = new Map(read.before.map((d) => [`${d.kind}/${d.metadata.name}`, d]));
  const bumped: Resource<'Gateway'>[] = [];
  if (spec.runtimeVersion !== undefined) {
    for (const g of selected) {
      const doc = toDocument(g);
      const gs = g.spec as { runtime?: { kind?: string; version?: string } };
      doc.spec = { ...doc.spec, runtime: { ...(gs.runtime ?? {}), version: spec.runtimeVersion } };
      byKey.set(`Gateway/${g.metadata.name}`, doc);
      bumped.push(g);
    }
  } else {
    for (const d of documents) byKey.set(`${d.kind}/${d.metadata.name}`, d);
  }
  const after = [...byKey.values()];
  const fpBefore = fingerprint(org, read.before);
  const fpAfter = fingerprint(org, after);
  const existing = new Set(read.gateways.map((g) => g.metadata.name));
  const pinnedNames = new Set(read.gateways.filter((g) => pinnedRevisionOf(g) !== undefined).map((g) => g.metadata.name));
  const affected = Object.keys(fpAfter).filter((g) => existing.has(g) && !pinnedNames.has(g) && fpBefore[g]?.hash !== fpAfter[g]!.hash);
  const selectedNames = new Set(selected.map((g) => g.metadata.name));
  const outside = affected.filter((g) => !selectedNames.has(g));
  if (outside.length > 0) {
    throw new AppError('invalid', `the change also affects gateway(s) the selector does not include: ${outside.join(', ')}; widen the selector or narrow the change`,
      outside.map((g) => issue('rollout_outside_selector', 'spec.selector', `gateway ${g} would change outside the rollout`, { resource: `Gateway/${g}` })));
  }
  if (spec.runtimeVersion !== undefined && deps.preflight) {
    const errors = deps.preflight(org, after).filter((i) => i.severity === 'error');
    if (errors.length > 0) throw new AppError('invalid', `preflight found ${errors.length} error(s); nothing was changed`, errors);
  }
  const busy = gatewaysInActiveRollouts(read.rollouts);
  const problems: Issue[] = [];
  const entries: { name: string; from: number; fromVersion: string; toVersion: string; restoreFrom?: string }[] = [];
  /** Pinned gateways the rollout takes over: the pin becomes the hold (removed in the same transaction). */
  const unpin: string[] = [];
  await deps.store.transaction(async (repos) => {
    for (const g of selected) {
      const n = g.metadata.name;
      const target = fpAfter[n];
      if (!target) continue;
      const pin = pinnedRevisionOf(g);
      const from = pin ?? revisionOf(g);
      const rev = from !== undefined ? await repos.revisions.get(org, n, from) : undefined;
      // A pinned gateway runs its pinned revision whatever its spec says: compare with that.
      const changes = pin !== undefined
        ? !rev || rev.runtimeVersion !== target.runtimeVersion || filesFingerprint(rev.files) !== target.filesHash
        : affected.includes(n);
      if (!changes) continue;
      if (busy.has(n)) problems.push(issue('rollout_busy', 'spec.selector', `gateway ${n} is in active rollout "${busy.get(n)}"`, { resource: `Gateway/${n}` }));
      else if (from === undefined) problems.push(issue('rollout_no_revision', 'spec.selector', `gateway ${n} has no running revision yet; apply it directly first`, { resource: `Gateway/${n}` }));
      else {
        if (pin !== undefined) unpin.push(n);
        entries.push({ name: n, from, fromVersion: rev?.runtimeVersion ?? fpBefore[n]?.runtimeVersion ?? '', toVersion: target.runtimeVersion });
      }
    }
  });
  if (problems.length === 0 && entries.length === 0) throw new AppError('invalid', 'the change affects none of the selected gateways: nothing to roll out');
  if (spec.restoreBackup) {
    // The newest pre-upgrade backup each gateway got when an earlier rollout moved it away from the target version.
    const done = read.rollouts
      .map((r) => r.status as unknown as RolloutStatus | undefined)
      .filter((st): st is RolloutStatus => Array.isArray(st?.gateways))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    for (const e of entries) {
      if (e.toVersion === e.fromVersion) continue;
      const found = done.flatMap((st) => st.gateways).find((g) => g.name === e.name && g.fromVersion === e.toVersion && g.backup !== undefined && g.releasedAt !== undefined);
      if (found?.backup) e.restoreFrom = found.backup;
      else problems.push(issue('rollout_no_backup', 'spec.restoreBackup', `gateway ${e.name} has no backup made by ${e.toVersion} (a pre-upgrade backup of an earlier rollout) to restore`, { resource: `Gateway/${e.name}` }));
    }
  }
  if (problems.length > 0) throw conflict(`cannot start the rollout: ${problems.map((p) => p.message).join('; ')}`, problems);
  const turn = spec.gates.agentTurn;
  if (turn) {
    // The live agent-turn gate runs on every updated gateway: each must have the agent after the change.
    const missing = entries.filter((e) => !(fpAfter[e.name]?.agents ?? []).includes(turn.agent)).map((e) => e.name);
    if (missing.length > 0) {
      throw new AppError('invalid', `spec.gates.agentTurn.agent: gateway(s) ${missing.join(', ')} would have no agent "${turn.agent}" after the change; the agent-turn gate runs on every gateway the rollout updates (narrow the selector)`,
        missing.map((g) => issue('rollout_agent_missing', 'spec.gates.agentTurn.agent', `gateway ${g} has no agent "${turn.agent}"`, { resource: `Gateway/${g}` })));
    }
  }
  const blocked: VersionBreaker[] = read.breakers.filter((b) => b.failures >= threshold && entries.some((e) => e.toVersion === b.version && e.fromVersion !== b.version));
  if (blocked.length > 0) {
    const b = blocked[0]!;
    throw new AppError('conflict', `runtime version ${b.version} is blocked by the circuit breaker: ${b.failures} failed rollout(s), the last "${b.lastRollout}" at ${b.lastFailureAt}; an admin can clear it with: clawplane rollout clear-breaker ${b.version}`);
  }

  const members = selected.filter((g) => entries.some((e) => e.name === g.metadata.name));
  const changedDocs = spec.runtimeVersion !== undefined
    ? members.map((g) => `Gateway/${g.metadata.name}`)
    : documents.map((d) => `${d.kind}/${d.metadata.name}`);
  const change: RolloutChange = spec.runtimeVersion !== undefined
    ? { kind: 'runtimeVersion', runtimeVersion: spec.runtimeVersion, documents: changedDocs, summary: `runtime version ${spec.runtimeVersion}` }
    : { kind: 'apply', documents: changedDocs, summary: `apply of ${changedDocs.length} document(s): ${changedDocs.slice(0, 5).join(', ')}${changedDocs.length > 5 ? ', …' : ''}` };
  const now = deps.now();
  // Keep the order of the selection (by name) for waves.
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const status = newRolloutStatus({ spec, change, gateways: entries, actor: actor.name, now: now.getTime() });
  const requestId = input.requestId;
  const createRollout = async (repos: Repos): Promise<void> => {
    for (const n of unpin) {
      const cur = await repos.resources.get(org, 'Gateway', n);
      if (!cur) continue;
      const annotations = { ...(cur.metadata.annotations ?? {}) };
      const was = annotations[PINNED_REVISION_ANNOTATION];
      if (was === undefined) continue;
      delete annotations[PINNED_REVISION_ANNOTATION];
      const { group, labels } = cur.metadata;
      await repos.resources.update({ kind: 'Gateway', metadata: { name: n, org, ...(group ? { group } : {}), ...(labels ? { labels } : {}), annotations }, spec: cur.spec }, now.toISOString());
      await recordAudit(repos, actor, { org, action: 'gateway.rollback', target: `Gateway/${n}`, diff: { clear: true, from: Number(was), rollout: name, reason: 'the rollout holds the gateway on its pinned revision instead' }, ...(requestId ? { requestId } : {}) }, now);
    }
    await repos.resources.create({ kind: 'Rollout', metadata: { name, org }, spec }, now.toISOString(), deps.newId());
    await repos.resources.updateStatus(org, 'Rollout', name, status as unknown as Record<string, unknown>, now.toISOString());
    await recordAudit(repos, actor, {
      org, action: 'rollout.start', target: `Rollout/${name}`,
      diff: { change, strategy: spec.strategy, gateways: entries, waves: status.waves, highRisk: status.highRisk, riskReasons: status.riskReasons, onFailure: spec.onFailure },
      ...(requestId ? { requestId } : {}),
    }, now);
  };
  if (spec.runtimeVersion !== undefined) {
    await deps.store.transaction(async (repos) => {
      for (const g of bumped) {
        if (!members.includes(g)) continue;
        // Re-read: the reconciler's status writes bump resourceVersion all the time.
        const cur = await repos.resources.get(org, 'Gateway', g.metadata.name);
        if (!cur || cur.metadata.generation !== g.metadata.generation) throw new AppError('conflict', `gateway ${g.metadata.name} changed while the rollout was being prepared; try again`);
        const cs = cur.spec as { runtime?: Record<string, unknown> };
        const { name: gname, group, labels, annotations } = cur.metadata;
        await repos.resources.update({ kind: 'Gateway', metadata: { name: gname, org, ...(group ? { group } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) }, spec: { ...cur.spec, runtime: { ...(cs.runtime ?? {}), version: spec.runtimeVersion } } }, now.toISOString());
        await recordAudit(repos, actor, { org, action: 'resource.update', target: `Gateway/${gname}`, diff: { spec: { runtime: { version: spec.runtimeVersion } }, rollout: name }, ...(requestId ? { requestId } : {}) }, now);
      }
      await createRollout(repos);
    }).catch((e: unknown) => {
      if (e instanceof StoreConflict) throw new AppError('conflict', e.message);
      throw e;
    });
    for (const g of members) {
      deps.events.publish({ type: 'MODIFIED', org, kind: 'Gateway', name: g.metadata.name, time: now.toISOString() });
      deps.onChange?.({ org, kind: 'Gateway', name: g.metadata.name });
    }
  } else {
    await applyDocuments(deps, actor, documents, { ...(requestId ? { requestId } : {}), beforeCommit: createRollout });
  }
  deps.events.publish({ type: 'ADDED', org, kind: 'Rollout', name, time: now.toISOString() });
  deps.events.publish({ type: 'EVENT', org, kind: 'Rollout', name, reason: 'rollout.started', message: `rollout ${name} started by ${actor.name}: ${change.summary}; ${entries.length} gateway(s) in ${status.waves} wave(s)${status.highRisk ? `; waiting for approval (${status.riskReasons.join('; ')})` : ''}`, time: now.toISOString() });
  deps.rollouts?.kick();
  const created = await deps.store.transaction((repos) => repos.resources.get(org, 'Rollout', name));
  return created!;
}

/** approve (org admin), pause, resume, abort (operator). Audited as rollout.<verb>. */
export async function controlRollout(deps: AppDeps, actor: Actor, org: string, name: string, verb: ControlVerb, requestId?: string): Promise<Resource<'Rollout'>> {
  authorize(actor, org, verb === 'approve' ? 'admin' : 'write');
  const now = deps.now();
  const updated = await deps.store.transaction(async (repos) => {
    const r = await repos.resources.get(org, 'Rollout', name);
    if (!r) throw new AppError('not_found', `Rollout "${name}" not found in organization "${org}"`);
    const status = r.status as unknown as RolloutStatus | undefined;
    if (!status?.phase) throw new AppError('conflict', `rollout "${name}" has no state yet`);
    const res = applyControl(status, verb, actor.name, now.getTime());
    if ('error' in res) throw new AppError('conflict', `cannot ${verb} rollout "${name}": ${res.error}`);
    const out = await repos.resources.updateStatus(org, 'Rollout', name, res.status as unknown as Record<string, unknown>, now.toISOString());
    await recordAudit(repos, actor, { org, action: `rollout.${verb}`, target: `Rollout/${name}`, diff: { phase: { from: status.phase, to: res.status.phase } }, ...(requestId ? { requestId } : {}) }, now);
    return out;
  });
  deps.events.publish({ type: 'EVENT', org, kind: 'Rollout', name, reason: `rollout.${verb}`, message: `rollout ${name}: ${verb} by ${actor.name}`, time: now.toISOString() });
  deps.rollouts?.kick();
  return updated;
}

export interface BreakerView extends VersionBreaker {
  blocked: boolean;
  threshold: number;
}

export async function listBreakers(deps: AppDeps, actor: Actor, org: string): Promise<{ items: BreakerView[] }> {
  authorize(actor, org, 'read');
  const threshold = deps.rollouts?.breakerThreshold ?? DEFAULT_BREAKER_THRESHOLD;
  const items = await deps.store.transaction((repos) => repos.breakers.list(org));
  return { items: items.map((b) => ({ ...b, threshold, blocked: b.failures >= threshold })) };
}

/** Admin only: unblock a runtime version (its failure count starts over). */
export async function clearBreaker(deps: AppDeps, actor: Actor, org: string, version: string, requestId?: string): Promise<{ version: string; cleared: boolean }> {
  authorize(actor, org, 'admin');
  if (!/^\d{4}\.\d{1,2}\.\d{1,3}(-[0-9A-Za-z.-]+)?$/.test(version)) throw new AppError('invalid', `"${version}" is not a runtime version like 2026.9.6`);
  const now = deps.now();
  const cleared = await deps.store.transaction(async (repos) => {
    const before = await repos.breakers.get(org, version);
    if (!before) return false;
    await repos.breakers.clear(org, version);
    await recordAudit(repos, actor, { org, action: 'rollout.breaker-clear', target: `RuntimeVersion/${version}`, diff: { failures: before.failures, lastRollout: before.lastRollout }, ...(requestId ? { requestId } : {}) }, now);
    return true;
  });
  return { version, cleared };
}
