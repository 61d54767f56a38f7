// The token scope each route needs, checked at the route gate together with authentication.
import type { Actor } from '../app/actor.ts';
import { requireScope } from '../app/actor.ts';
import type { TokenScope } from '../core/scopes.ts';
import type { RouteDef } from './api-context.ts';

/** One table: explicit `scope`, else audit → audit:read, secret writes → secrets:write, else by permission. */
export function routeScope(r: RouteDef): TokenScope | undefined {
  if (r.scope !== undefined) return r.scope === 'none' ? undefined : r.scope;
  if (r.permission === 'public' || r.permission === 'authenticated') return undefined;
  if (r.permission === 'audit') return 'audit:read';
  if (r.tag === 'secrets' && r.method !== 'get') return 'secrets:write';
  if (r.permission === 'org-admin' || r.permission === 'admin') return 'admin';
  return r.permission;
}

/**
 * Throws forbidden unless the actor's token scopes cover the route. Returns the actor the handler
 * works with: a `secrets:write` token acts with admin rights inside the secrets routes only (their
 * use cases check the admin role; the route table limits what they can do to secret values).
 */
export function enforceRouteScope(actor: Actor, r: RouteDef): Actor {
  const scope = routeScope(r);
  if (!scope) return actor;
  requireScope(actor, scope);
  if (scope === 'secrets:write' && actor.scopes && !actor.scopes.includes('admin')) return { ...actor, scopes: [...actor.scopes, 'admin'] };
  return actor;
}
