// Revision history and rollback of one gateway (ADR 0007). Rollback pins the gateway to a revision
// with an annotation; the desired-state loader then deploys that revision's files and runtime.
import { PINNED_REVISION_ANNOTATION, defaultRollbackTarget, pinnedRevisionOf } from '../core/revisions.ts';
import { StoreConflict } from '../core/ports/store.ts';
import type { Resource } from '../core/resources.ts';
import { type Actor, authorize } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { recordAudit } from './record-audit.ts';
import { getResource } from './resource-commands.ts';

export interface RevisionSummary {
  number: number;
  createdAt: string;
  runtimeVersion: string;
  configHash: string;
  specHash: string;
  knownGood: boolean;
  cause: string;
  envNames: string[];
  files: string[];
  current: boolean;
  pinned: boolean;
}

function currentOf(gw: Resource<'Gateway'>): number | undefined {
  const r = (gw.status as { revision?: unknown } | undefined)?.revision;
  return typeof r === 'number' ? r : undefined;
}

/** The gateway's revisions, oldest first (file names only; contents are not listed). */
export async function listRevisions(deps: AppDeps, actor: Actor, org: string, name: string): Promise<{ items: RevisionSummary[] }> {
  const gw = await getResource(deps, actor, org, 'Gateway', name);
  const revisions = await deps.store.transaction((repos) => repos.revisions.list(org, name));
  const current = currentOf(gw);
  const pinned = pinnedRevisionOf(gw);
  return {
    items: revisions.map((r) => ({
      number: r.number, createdAt: r.createdAt, runtimeVersion: r.runtimeVersion, configHash: r.configHash, specHash: r.specHash,
      knownGood: r.knownGood, cause: r.cause, envNames: r.envNames, files: Object.keys(r.files).sort(), current: r.number === current, pinned: r.number === pinned,
    })),
  };
}

export interface RollbackResult {
  gateway: string;
  /** The revision the gateway is now pinned to; undefined after --clear. */
  pinnedRevision?: number;
  previousPin?: number;
  result: string;
}

/**
 * Pins the gateway to revision `to` (default: the newest known-good revision before the current one),
 * or removes the pin with `clear`. Audited as gateway.rollback.
 */
export async function rollbackGateway(deps: AppDeps, actor: Actor, org: string, name: string, opts: { to?: number; clear?: boolean }): Promise<RollbackResult> {
  authorize(actor, org, 'write');
  const gw = await getResource(deps, actor, org, 'Gateway', name);
  if (opts.to !== undefined && (!Number.isInteger(opts.to) || opts.to < 1)) throw new AppError('invalid', '"to" must be a revision number (1, 2, 3…)');
  if (opts.clear && opts.to !== undefined) throw new AppError('invalid', 'give either "to" or "clear", not both');
  const revisions = await deps.store.transaction((repos) => repos.revisions.list(org, name));
  const previousPin = pinnedRevisionOf(gw);
  let target: number | undefined;
  if (!opts.clear) {
    if (opts.to !== undefined) {
      if (!revisions.some((r) => r.number === opts.to)) throw new AppError('invalid', `gateway "${name}" has no revision ${opts.to} (it has ${revisions.length})`);
      target = opts.to;
    } else {
      const current = currentOf(gw) ?? revisions.at(-1)?.number;
      const t = defaultRollbackTarget(revisions, current);
      if (!t) throw new AppError('conflict', `gateway "${name}" has no known-good revision before ${current === undefined ? 'the current one' : `revision ${current}`}; give one with "to"`);
      target = t.number;
    }
  }
  const annotations = { ...(gw.metadata.annotations ?? {}) };
  if (target === undefined) delete annotations[PINNED_REVISION_ANNOTATION];
  else annotations[PINNED_REVISION_ANNOTATION] = String(target);
  if (target === previousPin) {
    return { gateway: name, ...(target !== undefined ? { pinnedRevision: target, previousPin } : {}), result: target === undefined ? 'not pinned' : `already pinned to revision ${target}` };
  }
  const now = deps.now();
  const { group, labels, gateway } = gw.metadata;
  await deps.store.transaction(async (repos) => {
    await repos.resources.update({ kind: 'Gateway', metadata: { name, org, ...(group ? { group } : {}), ...(gateway ? { gateway } : {}), ...(labels ? { labels } : {}), annotations }, spec: gw.spec }, now.toISOString(), gw.metadata.resourceVersion);
    await recordAudit(repos, actor, { org, action: 'gateway.rollback', target: `Gateway/${name}`, diff: { to: target ?? null, from: previousPin ?? currentOf(gw) ?? null, clear: Boolean(opts.clear) } }, now);
  }).catch((e: unknown) => {
    if (e instanceof StoreConflict) throw new AppError('conflict', e.message);
    throw e;
  });
  deps.events.publish({ type: 'MODIFIED', org, kind: 'Gateway', name, time: now.toISOString() });
  deps.onChange?.({ org, kind: 'Gateway', name });
  return {
    gateway: name,
    ...(target !== undefined ? { pinnedRevision: target } : {}),
    ...(previousPin !== undefined ? { previousPin } : {}),
    result: target === undefined ? 'pin removed: the gateway follows its current spec again' : `pinned to revision ${target}`,
  };
}
