// Audit of authentication events (login, logout, lockout, tokens, users): recorded in every
// organization the user belongs to ("_system" for global admins and unknown users). Never secrets.
import type { Repos, RoleGrant } from '../core/ports/store.ts';

export const SYSTEM_AUDIT_ORG = '_system';

export function auditOrgsOf(grants: readonly Pick<RoleGrant, 'org'>[]): string[] {
  const orgs = new Set(grants.map((g) => (g.org === '*' ? SYSTEM_AUDIT_ORG : g.org)));
  if (orgs.size === 0) orgs.add(SYSTEM_AUDIT_ORG);
  return [...orgs].sort();
}

export async function auditAuthEvent(
  repos: Repos,
  actorName: string,
  orgs: readonly string[],
  entry: { action: string; target: string; diff: Record<string, unknown>; requestId?: string | undefined },
  now: Date,
): Promise<void> {
  for (const org of orgs) {
    await repos.audit.append({ org, actor: actorName, action: entry.action, target: entry.target, diff: entry.diff, time: now.toISOString(), ...(entry.requestId ? { requestId: entry.requestId } : {}) });
  }
}
