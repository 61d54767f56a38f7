// Who is calling, and what they may do. Roles are per organization; org "*" means every org.
// Tokens may narrow that further with scopes; an agent-bound token acts for one Agent principal.
import type { Role } from '../core/resources.ts';
import type { RoleGrant } from '../core/ports/store.ts';
import { type TokenScope, scopeAllows } from '../core/scopes.ts';
import { AppError } from './app-error.ts';

export interface Actor {
  id: string;
  name: string;
  grants: RoleGrant[];
  /** Set for the reconciler and other internal callers. */
  system?: boolean;
  /** The token's scopes (undefined: a session or an unscoped token, limited by roles only). */
  scopes?: TokenScope[];
  /** Set when the caller is an agent-bound token: that agent can never change its own permissions. */
  agent?: { org: string; name: string };
  /** How the caller authenticated. */
  via?: 'token' | 'session';
  /** The token's id when via = token (for revoke-self checks and audit). */
  tokenId?: string;
  /** The token's organization restriction, when it has one. */
  tokenOrg?: string;
  /** When the token expires: tokens it creates never outlive it. */
  expiresAt?: string;
}

/** read: viewer+; write: operator+; admin: admin; audit: read the audit log (viewer+ or auditor). */
export type Permission = 'read' | 'write' | 'admin' | 'audit';

/** The auditor role reads audit only: it is outside the viewer < operator < admin ladder. */
const rank: Record<Role, number> = { auditor: 0, viewer: 1, operator: 2, admin: 3 };
const needed: Record<Exclude<Permission, 'audit'>, number> = { read: 1, write: 2, admin: 3 };
const scopeOf: Record<Permission, TokenScope> = { read: 'read', write: 'write', admin: 'admin', audit: 'audit:read' };

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'system:reconciler', grants: [{ userId: 'system', org: '*', role: 'admin' }], system: true };

export function roleIn(actor: Actor, org: string): Role | undefined {
  let best: Role | undefined;
  for (const g of actor.grants) {
    if ((g.org === org || g.org === '*') && (!best || rank[g.role] > rank[best])) best = g.role;
  }
  return best;
}

export function isGlobalAdmin(actor: Actor): boolean {
  return actor.grants.some((g) => g.org === '*' && g.role === 'admin') && scopeAllows(actor.scopes, 'admin');
}

/** Throws forbidden unless the actor's token scopes cover `scope`. */
export function requireScope(actor: Actor, scope: TokenScope): void {
  if (!scopeAllows(actor.scopes, scope)) {
    throw new AppError('forbidden', `this API token is limited to scope(s) ${(actor.scopes ?? []).join(', ')}; this needs "${scope}"`);
  }
}

function roleName(p: Permission): string {
  return p === 'read' ? 'viewer' : p === 'write' ? 'operator' : p === 'admin' ? 'admin' : 'viewer or auditor';
}

/**
 * Throws unless the actor holds `permission` in `org` (role and token scope). An actor with no role
 * at all in the org gets not_found, so other tenants' resources are indistinguishable from missing ones.
 */
export function authorize(actor: Actor, org: string, permission: Permission, what = `organization "${org}"`): void {
  const role = roleIn(actor, org);
  if (!role) throw new AppError('not_found', `${what} not found`);
  const ok = permission === 'audit' ? role === 'auditor' || rank[role] >= 1 : rank[role] >= needed[permission];
  if (!ok) throw new AppError('forbidden', `${actor.name} has role ${role} in "${org}"; this needs ${roleName(permission)}`);
  requireScope(actor, scopeOf[permission]);
}

export function visibleOrgs(actor: Actor, all: readonly string[]): string[] {
  return all.filter((o) => roleIn(actor, o) !== undefined);
}

/** True when the actor may read the organization's resources (viewer or more; not auditor-only). */
export function canRead(actor: Actor, org: string): boolean {
  const role = roleIn(actor, org);
  return role !== undefined && rank[role] >= 1 && scopeAllows(actor.scopes, 'read');
}
