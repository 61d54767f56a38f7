// API tokens (hashed at rest, with expiry), users and the first admin.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiTokenRecord, RoleGrant } from '../core/ports/store.ts';
import type { Role } from '../core/resources.ts';
import { type TokenScope, parseDuration, parseScopes, scopeAllows, tokenScopes } from '../core/scopes.ts';
import { type Actor, authorize, isGlobalAdmin, roleIn } from './actor.ts';
import { assertNotAgent } from './agent-guard.ts';
import { auditAuthEvent, auditOrgsOf } from './auth-audit.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';

export const TOKEN_PREFIX = 'cpt_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * First start: when no user exists, create `admin` with a global admin grant and an API token.
 * `token` (from CLAWPLANE_BOOTSTRAP_TOKEN) becomes that token; otherwise one is generated.
 * Returns the token only when it was created now (so it can be printed once).
 */
export async function bootstrapAdmin(deps: AppDeps, token?: string): Promise<{ created: boolean; user: string; token?: string }> {
  if (token !== undefined && token.length < 16) throw new AppError('invalid', 'the bootstrap token must be at least 16 characters');
  return deps.store.transaction(async (repos) => {
    const users = await repos.auth.listUsers();
    if (users.length > 0) return { created: false, user: users[0]!.name };
    const now = deps.now().toISOString();
    const id = deps.newId();
    await repos.auth.createUser({ id, name: 'admin', createdAt: now });
    await repos.auth.grant({ userId: id, org: '*', role: 'admin' });
    const value = token ?? generateApiToken();
    await repos.auth.createToken({ id: deps.newId(), userId: id, hash: hashToken(value), description: 'bootstrap admin token', createdAt: now });
    return { created: true, user: 'admin', token: value };
  });
}

export async function authenticate(deps: AppDeps, token: string | undefined): Promise<Actor> {
  if (!token) throw new AppError('unauthenticated', 'missing API token: send "Authorization: Bearer <token>" (clawplane login, or CLAWPLANE_TOKEN)');
  if (token.length > 512) throw new AppError('unauthenticated', 'invalid API token');
  const hash = hashToken(token);
  const found = await deps.store.transaction(async (repos) => {
    const rec = await repos.auth.findTokenByHash(hash);
    if (!rec) return undefined;
    const user = await repos.auth.getUser(rec.userId);
    if (!user) return undefined;
    return { rec, user, grants: await repos.auth.grantsOf(user.id) };
  });
  if (!found || !timingSafeEqual(Buffer.from(found.rec.hash, 'hex'), Buffer.from(hash, 'hex'))) {
    throw new AppError('unauthenticated', 'invalid API token');
  }
  if (found.rec.expiresAt && Date.parse(found.rec.expiresAt) <= deps.now().getTime()) {
    throw new AppError('unauthenticated', `API token expired at ${found.rec.expiresAt}`);
  }
  const { rec } = found;
  // An org-bound token acts only in its organization: global grants are narrowed to it.
  const grants = rec.org === undefined ? found.grants : narrowGrants(found.grants, rec.org);
  const actor: Actor = { id: found.user.id, name: found.user.name, grants, via: 'token', tokenId: rec.id };
  if (rec.scopes) actor.scopes = rec.scopes.filter((x): x is TokenScope => (tokenScopes as readonly string[]).includes(x));
  if (rec.expiresAt) actor.expiresAt = rec.expiresAt;
  if (rec.org !== undefined) actor.tokenOrg = rec.org;
  if (rec.agent && rec.org) {
    actor.agent = { org: rec.org, name: rec.agent };
    actor.name = `agent:${rec.agent}(${found.user.name})`;
  }
  return actor;
}

function narrowGrants(grants: readonly RoleGrant[], org: string): RoleGrant[] {
  const roleRank: Record<Role, number> = { auditor: 0, viewer: 1, operator: 2, admin: 3 };
  let best: RoleGrant | undefined;
  for (const g of grants) {
    if (g.org !== org && g.org !== '*') continue;
    if (!best || roleRank[g.role] > roleRank[best.role]) best = { ...g, org };
  }
  return best ? [best] : [];
}

export interface TokenView {
  id: string;
  user: string;
  description: string;
  createdAt: string;
  expiresAt?: string;
  expired: boolean;
  scopes?: string[];
  org?: string;
  agent?: string;
}

function tokenView(rec: ApiTokenRecord, user: string, now: Date): TokenView {
  return {
    id: rec.id, user, description: rec.description, createdAt: rec.createdAt,
    ...(rec.expiresAt ? { expiresAt: rec.expiresAt } : {}),
    expired: rec.expiresAt !== undefined && Date.parse(rec.expiresAt) <= now.getTime(),
    ...(rec.scopes ? { scopes: rec.scopes } : {}),
    ...(rec.org ? { org: rec.org } : {}),
    ...(rec.agent ? { agent: rec.agent } : {}),
  };
}

export interface CreateTokenOptions {
  user?: string;
  description?: string;
  /** Legacy: days until expiry. */
  expiresInDays?: number;
  /** "30d", "12h", "90m", "2w". */
  expiresIn?: string;
  scopes?: string | string[];
  org?: string;
  agent?: string;
}

export async function createApiToken(deps: AppDeps, actor: Actor, opts: CreateTokenOptions, requestId?: string): Promise<{ token: string } & TokenView> {
  assertNotAgent(actor, 'create API tokens');
  if (opts.expiresInDays !== undefined && (!Number.isFinite(opts.expiresInDays) || opts.expiresInDays <= 0 || opts.expiresInDays > 3650)) {
    throw new AppError('invalid', 'expiresInDays must be between 0 and 3650');
  }
  let ttlMs = opts.expiresInDays !== undefined ? opts.expiresInDays * 86_400_000 : undefined;
  if (opts.expiresIn !== undefined) {
    ttlMs = parseDuration(opts.expiresIn);
    if (ttlMs === undefined) throw new AppError('invalid', `expiresIn "${opts.expiresIn.slice(0, 20)}" is not a duration like 30d, 12h, 90m or 2w (1 minute to 10 years)`);
  }
  let scopes: TokenScope[] | undefined;
  if (opts.scopes !== undefined) {
    const parsed = parseScopes(opts.scopes);
    if ('error' in parsed) throw new AppError('invalid', parsed.error);
    scopes = parsed.scopes;
  }
  // A token never exceeds the credential that made it: same or fewer scopes, same org, no longer life.
  if (actor.scopes) {
    if (!scopes) scopes = [...actor.scopes];
    const beyond = scopes.filter((x) => !scopeAllows(actor.scopes, x));
    if (beyond.length > 0) throw new AppError('forbidden', `this token cannot grant scope(s) ${beyond.join(', ')} it does not hold`);
  }
  const now = deps.now();
  let expiresAt = ttlMs !== undefined ? new Date(now.getTime() + ttlMs).toISOString() : undefined;
  if (actor.expiresAt && (!expiresAt || expiresAt > actor.expiresAt)) expiresAt = actor.expiresAt;
  if (actor.tokenOrg !== undefined && opts.org !== undefined && opts.org !== actor.tokenOrg) throw new AppError('not_found', `organization "${opts.org}" not found`);
  const org = opts.org ?? actor.tokenOrg;
  if (opts.agent !== undefined && org === undefined) throw new AppError('invalid', 'an agent-bound token needs an organization (org)');
  if (org !== undefined) authorize(actor, org, opts.agent !== undefined ? 'admin' : 'read');
  return deps.store.transaction(async (repos) => {
    let userId = actor.id;
    let userName = actor.name;
    if (opts.user && opts.user !== actor.name) {
      if (!isGlobalAdmin(actor)) throw new AppError('forbidden', 'only a global admin can create tokens for other users');
      const u = await repos.auth.getUserByName(opts.user);
      if (!u) throw new AppError('not_found', `user "${opts.user}" not found`);
      userId = u.id;
      userName = u.name;
    }
    if (opts.agent !== undefined && !(await repos.resources.get(org!, 'Agent', opts.agent))) {
      throw new AppError('not_found', `Agent "${opts.agent}" not found in organization "${org}"`);
    }
    const token = generateApiToken();
    const rec: ApiTokenRecord = {
      id: deps.newId(), userId, hash: hashToken(token), description: (opts.description ?? '').slice(0, 200), createdAt: now.toISOString(),
      ...(expiresAt ? { expiresAt } : {}),
      ...(scopes ? { scopes } : {}),
      ...(org !== undefined ? { org } : {}),
      ...(opts.agent !== undefined ? { agent: opts.agent } : {}),
    };
    await repos.auth.createToken(rec);
    const orgs = org !== undefined ? [org] : auditOrgsOf(await repos.auth.grantsOf(userId));
    await auditAuthEvent(repos, actor.name, orgs, { action: 'token.create', target: `User/${userName}`, diff: { tokenId: rec.id, expiresAt: rec.expiresAt ?? null, scopes: rec.scopes ?? null, org: rec.org ?? null, agent: rec.agent ?? null }, requestId }, now);
    return { token, ...tokenView(rec, userName, now) };
  });
}

/** The caller's own tokens (metadata only; never the token or its hash). */
export async function listOwnTokens(deps: AppDeps, actor: Actor): Promise<TokenView[]> {
  if (actor.system) return [];
  const now = deps.now();
  return deps.store.transaction(async (repos) => (await repos.auth.listTokens(actor.id)).map((t) => tokenView(t, actor.name, now)));
}

/** Tokens of the organization's members (org admins). */
export async function listOrgTokens(deps: AppDeps, actor: Actor, org: string): Promise<TokenView[]> {
  authorize(actor, org, 'admin');
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    const out: TokenView[] = [];
    for (const g of await repos.auth.grantsIn(org)) {
      const u = await repos.auth.getUser(g.userId);
      if (!u) continue;
      for (const t of await repos.auth.listTokens(u.id)) if (t.org === undefined || t.org === org) out.push(tokenView(t, u.name, now));
    }
    return out;
  });
}

/** Revokes a token: your own, or one of a user every organization of whom you administer. Others: not found. */
export async function revokeApiToken(deps: AppDeps, actor: Actor, id: string, requestId?: string): Promise<{ revoked: string }> {
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    const rec = await repos.auth.getToken(id);
    const notFound = new AppError('not_found', `API token "${id.slice(0, 64)}" not found`);
    if (!rec) throw notFound;
    const owner = await repos.auth.getUser(rec.userId);
    const grants = owner ? await repos.auth.grantsOf(owner.id) : [];
    const own = rec.userId === actor.id && (!actor.agent || actor.tokenId === rec.id);
    if (!own) {
      if (actor.agent) throw notFound;
      const manageable = isGlobalAdmin(actor) || (grants.length > 0 && grants.every((g) => g.org !== '*' && roleIn(actor, g.org) === 'admin' && scopeAllows(actor.scopes, 'admin')));
      if (!manageable) throw notFound;
    }
    await repos.auth.deleteToken(rec.id);
    await auditAuthEvent(repos, actor.name, rec.org !== undefined ? [rec.org] : auditOrgsOf(grants), { action: 'token.revoke', target: `User/${owner?.name ?? rec.userId}`, diff: { tokenId: rec.id }, requestId }, now);
    return { revoked: rec.id };
  });
}

export function describeActor(actor: Actor): { id: string; name: string; grants: Pick<RoleGrant, 'org' | 'role'>[]; scopes?: string[]; agent?: { org: string; name: string }; via?: string } {
  return {
    id: actor.id, name: actor.name, grants: actor.grants.map(({ org, role }) => ({ org, role })),
    ...(actor.scopes ? { scopes: actor.scopes } : {}), ...(actor.agent ? { agent: actor.agent } : {}), ...(actor.via ? { via: actor.via } : {}),
  };
}
