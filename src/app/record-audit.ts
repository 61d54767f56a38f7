import { redactSecrets } from '../core/redact.ts';
import type { Repos } from '../core/ports/store.ts';
import type { Actor } from './actor.ts';

/** Audit diffs never hold secret values: secret-looking keys are redacted whatever their value. */
export function redactForAudit(value: unknown): unknown {
  return redactSecrets(value);
}

export async function recordAudit(
  repos: Repos,
  actor: Actor,
  entry: { org: string; action: string; target: string; diff?: unknown; requestId?: string },
  now: Date,
): Promise<void> {
  await repos.audit.append({
    org: entry.org,
    actor: actor.name,
    action: entry.action,
    target: entry.target,
    diff: redactForAudit(entry.diff ?? null),
    time: now.toISOString(),
    ...(entry.requestId ? { requestId: entry.requestId } : {}),
  });
}
