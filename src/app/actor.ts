// Who is calling, and what they may do. Roles are per organization; org "*" means every org.
import type { Role } from '../core/resources.ts';
import type { RoleGrant } from '../core/ports/store.ts';
import { AppError } from './app-error.ts';

export interface Actor {
  id: string;
  name: string;
  grants: RoleGrant[];
  /** Set for the reconciler and other internal callers. */
  system?: boolean;
}

export type Permission = 'read' | 'write' | 'admin';

const rank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
const needed: Record<Permission, number> = { read: 1, write: 2, admin: 3 };

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'system:reconciler', grants: [{ userId: 'system', org: '*', role: 'admin' }], system: true };

export function roleIn(actor: Actor, org: string): Role | undefined {
  let best: Role | undefined;
  for (const g of actor.grants) {
    if ((g.org === org || g.org === '*') && (!best || rank[g.role] > rank[best])) best = g.role;
  }
  return best;
}

export function isGlobalAdmin(actor: Actor): boolean {
  return actor.grants.some((g) => g.org === '*' && g.role === 'admin');
}

/**
 * Throws unless the actor holds `permission` in `org`. An actor with no role at all in the org
 * gets not_found, so other tenants' resources are indistinguishable from missing ones.
 */
export function authorize(actor: Actor, org: string, permission: Permission, what = `organization "${org}"`): void {
  const role = roleIn(actor, org);
  if (!role) throw new AppError('not_found', `${what} not found`);
  if (rank[role] < needed[permission]) {
    throw new AppError('forbidden', `${actor.name} has role ${role} in "${org}"; this needs ${permission === 'read' ? 'viewer' : permission === 'write' ? 'operator' : 'admin'}`);
  }
}

export function visibleOrgs(actor: Actor, all: readonly string[]): string[] {
  return all.filter((o) => roleIn(actor, o) !== undefined);
}
