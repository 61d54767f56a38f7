import type { Repos } from '../core/ports/store.ts';
import type { Actor } from './actor.ts';

/** Secret-looking keys are never written to an audit diff, whatever their value. */
const SECRET_KEY = /(token|password|secret|apikey|api_key|credential|privatekey)$/i;

export function redactForAudit(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactForAudit);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? '[REDACTED]' : redactForAudit(v);
    }
    return out;
  }
  return value;
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
