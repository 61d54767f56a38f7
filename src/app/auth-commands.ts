// API tokens (hashed at rest, with expiry), users and the first admin.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiTokenRecord, RoleGrant } from '../core/ports/store.ts';
import { type Actor, isGlobalAdmin } from './actor.ts';
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
  return { id: found.user.id, name: found.user.name, grants: found.grants };
}

export async function createApiToken(
  deps: AppDeps,
  actor: Actor,
  opts: { user?: string; description?: string; expiresInDays?: number },
): Promise<{ token: string; id: string; user: string; expiresAt?: string }> {
  if (opts.expiresInDays !== undefined && (!Number.isFinite(opts.expiresInDays) || opts.expiresInDays <= 0 || opts.expiresInDays > 3650)) {
    throw new AppError('invalid', 'expiresInDays must be between 0 and 3650');
  }
  const now = deps.now();
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
    const token = generateApiToken();
    const rec: ApiTokenRecord = {
      id: deps.newId(), userId, hash: hashToken(token), description: (opts.description ?? '').slice(0, 200), createdAt: now.toISOString(),
    };
    if (opts.expiresInDays !== undefined) rec.expiresAt = new Date(now.getTime() + opts.expiresInDays * 86_400_000).toISOString();
    await repos.auth.createToken(rec);
    for (const org of new Set((await repos.auth.grantsOf(userId)).map((g) => g.org))) {
      await repos.audit.append({ org: org === '*' ? '_system' : org, actor: actor.name, action: 'token.create', target: `User/${userName}`, diff: { tokenId: rec.id, expiresAt: rec.expiresAt ?? null }, time: now.toISOString() });
    }
    return { token, id: rec.id, user: userName, ...(rec.expiresAt ? { expiresAt: rec.expiresAt } : {}) };
  });
}

export function describeActor(actor: Actor): { id: string; name: string; grants: Pick<RoleGrant, 'org' | 'role'>[] } {
  return { id: actor.id, name: actor.name, grants: actor.grants.map(({ org, role }) => ({ org, role })) };
}
