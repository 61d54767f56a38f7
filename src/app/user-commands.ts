// Local users: add, list, remove, passwords, role bindings per organization. Every change audited.
import { type Role, roles } from '../core/resources.ts';
import type { Repos, RoleGrant, User } from '../core/ports/store.ts';
import { type Actor, authorize, isGlobalAdmin, roleIn } from './actor.ts';
import { assertNotAgent } from './agent-guard.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { auditAuthEvent, auditOrgsOf } from './auth-audit.ts';
import { DEFAULT_SCRYPT_LOG_N, checkPasswordPolicy, hashPassword, verifyPassword } from './password-hash.ts';

export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

export interface UserView {
  name: string;
  createdAt: string;
  /** The user's role in the organization asked about. */
  role: Role;
  password: boolean;
  sso: boolean;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !USER_NAME.test(name)) throw new AppError('invalid', 'user name must be 1-128 characters: letters, digits and . _ @ + - (starting with a letter or digit)');
  return name;
}

export function checkRole(role: unknown): Role {
  if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) throw new AppError('invalid', `role must be one of ${roles.join(', ')}`);
  return role as Role;
}

/** True when the actor is admin of every organization the target user belongs to. */
function canManage(actor: Actor, grants: readonly RoleGrant[]): boolean {
  if (isGlobalAdmin(actor)) return true;
  return grants.every((g) => g.org !== '*' && roleIn(actor, g.org) === 'admin');
}

/** The user as seen from `org`: not_found unless they hold a role there (tenant isolation). */
async function userInOrg(repos: Repos, org: string, name: string): Promise<{ user: User; grants: RoleGrant[]; role: Role }> {
  const user = await repos.auth.getUserByName(name);
  const grants = user ? await repos.auth.grantsOf(user.id) : [];
  const role = grants.find((g) => g.org === org)?.role;
  if (!user || !role) throw new AppError('not_found', `user "${name}" not found in organization "${org}"`);
  return { user, grants, role };
}

export async function addUser(
  deps: AppDeps,
  actor: Actor,
  org: string,
  input: { name: unknown; role: unknown; password?: unknown },
  requestId?: string,
): Promise<UserView> {
  authorize(actor, org, 'admin');
  assertNotAgent(actor, 'manage users');
  const name = checkName(input.name);
  const role = checkRole(input.role);
  const password = input.password === undefined || input.password === null ? undefined : checkPasswordPolicy(input.password, name);
  const hash = password ? await hashPassword(password, deps.identity?.scryptLogN ?? DEFAULT_SCRYPT_LOG_N) : undefined;
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    if (await repos.auth.getUserByName(name)) throw new AppError('conflict', `user name "${name}" is taken`);
    const user = await repos.auth.createUser({ id: deps.newId(), name, createdAt: now.toISOString() });
    if (hash) await repos.auth.setPasswordHash(user.id, hash);
    await repos.auth.grant({ userId: user.id, org, role });
    await auditAuthEvent(repos, actor.name, [org], { action: 'user.create', target: `User/${name}`, diff: { role, password: Boolean(hash) }, requestId }, now);
    await auditAuthEvent(repos, actor.name, [org], { action: 'role.change', target: `User/${name}`, diff: { from: null, to: role, source: 'user add' }, requestId }, now);
    return { name, createdAt: user.createdAt, role, password: Boolean(hash), sso: false };
  });
}

export async function listUsers(deps: AppDeps, actor: Actor, org: string): Promise<UserView[]> {
  authorize(actor, org, 'admin');
  return deps.store.transaction(async (repos) => {
    const out: UserView[] = [];
    for (const g of await repos.auth.grantsIn(org)) {
      const u = await repos.auth.getUser(g.userId);
      if (!u) continue;
      out.push({ name: u.name, createdAt: u.createdAt, role: g.role, password: (await repos.auth.getPasswordHash(u.id)) !== undefined, sso: u.oidcSubject !== undefined });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  });
}

/** Sets the user's role in the org (an existing user, or one provisioned by SSO). */
export async function setUserRole(deps: AppDeps, actor: Actor, org: string, name: unknown, roleIn_: unknown, requestId?: string): Promise<UserView> {
  authorize(actor, org, 'admin');
  assertNotAgent(actor, 'change roles');
  const userName = checkName(name);
  const role = checkRole(roleIn_);
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    const user = await repos.auth.getUserByName(userName);
    if (!user) throw new AppError('not_found', `user "${userName}" not found`);
    if (user.id === actor.id) throw new AppError('forbidden', 'you cannot change your own role');
    const before = (await repos.auth.grantsOf(user.id)).find((g) => g.org === org)?.role ?? null;
    await repos.auth.grant({ userId: user.id, org, role });
    if (before !== role) await auditAuthEvent(repos, actor.name, [org], { action: 'role.change', target: `User/${userName}`, diff: { from: before, to: role, source: 'user role' }, requestId }, now);
    return { name: user.name, createdAt: user.createdAt, role, password: (await repos.auth.getPasswordHash(user.id)) !== undefined, sso: user.oidcSubject !== undefined };
  });
}

/** Removes the user from the org; a user left without any organization is deleted with tokens and sessions. */
export async function removeUser(deps: AppDeps, actor: Actor, org: string, name: string, requestId?: string): Promise<{ removed: string; deleted: boolean }> {
  authorize(actor, org, 'admin');
  assertNotAgent(actor, 'manage users');
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    const { user, grants, role } = await userInOrg(repos, org, name);
    if (user.id === actor.id) throw new AppError('forbidden', 'you cannot remove yourself');
    await repos.auth.revoke(user.id, org);
    for (const rb of (await repos.resources.list(org, 'RoleBinding', { limit: 1000 })).items) {
      if ((rb.spec as { user?: string }).user === user.name) await repos.resources.delete(org, 'RoleBinding', rb.metadata.name);
    }
    const left = grants.filter((g) => g.org !== org);
    if (left.length === 0) await repos.auth.deleteUser(user.id);
    await auditAuthEvent(repos, actor.name, [org], { action: 'role.change', target: `User/${user.name}`, diff: { from: role, to: null, source: 'user remove' }, requestId }, now);
    await auditAuthEvent(repos, actor.name, [org], { action: 'user.remove', target: `User/${user.name}`, diff: { deleted: left.length === 0 }, requestId }, now);
    return { removed: user.name, deleted: left.length === 0 };
  });
}

/** An admin sets another user's password (every org of that user must be one the admin administers). Ends their sessions. */
export async function setUserPassword(deps: AppDeps, actor: Actor, org: string, name: string, password: unknown, requestId?: string): Promise<{ user: string; sessionsEnded: number }> {
  authorize(actor, org, 'admin');
  assertNotAgent(actor, 'manage users');
  const found = await deps.store.transaction((repos) => userInOrg(repos, org, name));
  if (!canManage(actor, found.grants)) throw new AppError('forbidden', `user "${name}" also belongs to organizations you do not administer`);
  const hash = await hashPassword(checkPasswordPolicy(password, found.user.name), deps.identity?.scryptLogN ?? DEFAULT_SCRYPT_LOG_N);
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    await repos.auth.setPasswordHash(found.user.id, hash);
    const ended = await repos.sessions.deleteForUser(found.user.id);
    await auditAuthEvent(repos, actor.name, auditOrgsOf(found.grants), { action: 'user.password.set', target: `User/${found.user.name}`, diff: { sessionsEnded: ended }, requestId }, now);
    return { user: found.user.name, sessionsEnded: ended };
  });
}

/** A user changes their own password: needs the current one when one is set. Ends their other sessions. */
export async function changeOwnPassword(deps: AppDeps, actor: Actor, input: { current?: unknown; password: unknown }, requestId?: string): Promise<{ user: string; sessionsEnded: number }> {
  assertNotAgent(actor, 'change passwords');
  if (actor.system) throw new AppError('forbidden', 'the system actor has no password');
  const existing = await deps.store.transaction((repos) => repos.auth.getPasswordHash(actor.id));
  if (existing === undefined && actor.via === 'session') {
    throw new AppError('forbidden', 'you have no password (you sign in with SSO); an administrator can set one with clawplane user passwd NAME');
  }
  if (existing !== undefined) {
    if (typeof input.current !== 'string' || !(await verifyPassword(input.current, existing))) throw new AppError('forbidden', 'the current password is wrong');
  }
  const hash = await hashPassword(checkPasswordPolicy(input.password, actor.name), deps.identity?.scryptLogN ?? DEFAULT_SCRYPT_LOG_N);
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    await repos.auth.setPasswordHash(actor.id, hash);
    const ended = await repos.sessions.deleteForUser(actor.id);
    await auditAuthEvent(repos, actor.name, auditOrgsOf(actor.grants), { action: 'user.password.change', target: `User/${actor.name}`, diff: { sessionsEnded: ended }, requestId }, now);
    return { user: actor.name, sessionsEnded: ended };
  });
}
