// Gateway revisions (ADR 0007): the pin annotation and the default rollback target. Pure.
import type { Revision } from './ports/store.ts';
import type { Resource } from './resources.ts';

export const PINNED_REVISION_ANNOTATION = 'clawplane.dev/pinned-revision';

/** The revision number a Gateway is pinned to, if any (an unparsable pin counts as none). */
export function pinnedRevisionOf(resource: Pick<Resource<'Gateway'>, 'metadata'>): number | undefined {
  const raw = resource.metadata.annotations?.[PINNED_REVISION_ANNOTATION];
  if (raw === undefined || !/^[1-9][0-9]{0,9}$/.test(raw)) return undefined;
  return Number(raw);
}

/** The default rollback target: the newest known-good revision older than `current`. */
export function defaultRollbackTarget(revisions: readonly Revision[], current: number | undefined): Revision | undefined {
  const before = current ?? Number.POSITIVE_INFINITY;
  return [...revisions].reverse().find((r) => r.knownGood && r.number < before);
}
