// Gateway revisions (ADR 0007), the pure part: what to record after a pass, and how a pinned revision
// replaces the current render in the desired state. Revisions never hold secret values: rendered files
// carry SecretRefs only, env is recorded by name.
import { createHash } from 'node:crypto';
import { issue } from '../core/issues.ts';
import type { Revision, RevisionInput } from '../core/ports/store.ts';
import { PINNED_REVISION_ANNOTATION, pinnedRevisionOf } from '../core/revisions.ts';
import { type DesiredGateway, computeSpecHash } from './reconcile-gateway.ts';

export { PINNED_REVISION_ANNOTATION, defaultRollbackTarget, pinnedRevisionOf } from '../core/revisions.ts';

export function configHashOf(files: Record<string, string>, configFile = 'openclaw.json'): string {
  return createHash('sha256').update(files[configFile] ?? '').digest('hex');
}

/**
 * The desired state with a pinned revision's files and runtime version instead of the current render
 * (the env, with today's secret values, port, target and state dir stay current). Without the
 * revision, the desired state gets an error issue: nothing is deployed until the pin is fixed.
 */
export function applyPinnedRevision(desired: DesiredGateway, pinned: number, revision: Revision | undefined): DesiredGateway {
  if (!revision) {
    const missing = issue('revision_missing', `metadata.annotations.${PINNED_REVISION_ANNOTATION}`, `gateway is pinned to revision ${pinned}, which does not exist`, { hint: 'clawplane rollback gateway/NAME --clear' });
    return { ...desired, rendered: { ...desired.rendered, issues: [...desired.rendered.issues, missing] } };
  }
  const effective = { ...desired.effective, runtime: { ...desired.effective.runtime, version: revision.runtimeVersion } };
  const rendered = { ...desired.rendered, files: { ...revision.files } };
  return { ...desired, effective, rendered, specHash: computeSpecHash({ effective, rendered, env: desired.env }) };
}

export interface RevisionFacts {
  /** status.applied.specHash after the pass. */
  appliedSpecHash: string | undefined;
  ready: boolean;
  desired: DesiredGateway;
  pinned: number | undefined;
  revisions: readonly Revision[];
  now: string;
  /** The newest user change in the org's audit log, e.g. "alice resource.update Agent/helper". */
  lastChange?: string;
}

export interface RevisionStep {
  /** A new revision to append (the applied spec has none yet). */
  append?: RevisionInput;
  /** The appended revision is already known-good (ready in the same pass). */
  appendKnownGood?: boolean;
  /** The revision now running (undefined while nothing was applied or it is being appended). */
  current?: number;
  /** Mark this revision known-good (the gateway is ready on it). */
  markKnownGood?: number;
}

/**
 * What to record after a pass. Only when the applied spec is the one loaded now (otherwise the next
 * pass records it). A spec seen before (rollback, or an undo of a change) maps to its existing revision.
 */
export function planRevision(f: RevisionFacts): RevisionStep {
  if (!f.appliedSpecHash || f.appliedSpecHash !== f.desired.specHash) return {};
  const existing = [...f.revisions].reverse().find((r) => r.specHash === f.appliedSpecHash);
  if (existing) return { current: existing.number, ...(f.ready && !existing.knownGood ? { markKnownGood: existing.number } : {}) };
  const { files } = f.desired.rendered;
  return {
    append: {
      org: f.desired.resource.metadata.org,
      gateway: f.desired.resource.metadata.name,
      createdAt: f.now,
      specHash: f.appliedSpecHash,
      configHash: configHashOf(files),
      runtimeVersion: f.desired.effective.runtime.version,
      files: { ...files },
      envNames: Object.keys(f.desired.env).sort(),
      cause: f.pinned !== undefined
        ? `rollback to revision ${f.pinned}`
        : `generation ${f.desired.resource.metadata.generation}${f.lastChange ? `; ${f.lastChange}` : ''}`,
    },
    ...(f.ready ? { appendKnownGood: true } : {}),
  };
}
