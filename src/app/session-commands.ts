// Dashboard sessions: password login with rate limiting, cookie sessions stored hashed, logout.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IP_THROTTLE, USER_THROTTLE, lockRemainingMs, recordFailure } from '../core/login-throttle.ts';
import type { Repos } from '../core/ports/store.ts';
import type { Actor } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { auditAuthEvent, auditOrgsOf } from './auth-audit.ts';
import { DEFAULT_SCRYPT_LOG_N, MAX_PASSWORD_LENGTH, dummyHash, verifyPassword } from './password-hash.ts';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 60 * 60_000;
/** lastSeenAt is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(`session\0${id}`, 'utf8').digest('hex');
}

/** The CSRF token of a session: derived from its id, so it needs no storage and reveals nothing. */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`csrf\0${sessionId}`, 'utf8').digest('base64url');
}

export function csrfTokenMatches(sessionId: string, given: string | undefined): boolean {
  if (!given || given.length > 128) return false;
  const a = Buffer.from(csrfTokenFor(sessionId));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface NewSession {
  sessionId: string;
  csrfToken: string;
  user: string;
  expiresAt: string;
}

export async function openSession(repos: Repos, deps: AppDeps, userId: string, userName: string, method: string, now: Date): Promise<NewSession> {
  const sessionId = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + (deps.identity?.sessionMaxMs ?? SESSION_MAX_MS)).toISOString();
  await repos.sessions.create({ hash: hashSessionId(sessionId), userId, method, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt });
  return { sessionId, csrfToken: csrfTokenFor(sessionId), user: userName, expiresAt };
}

function rateLimited(ms: number): AppError {
  const e = new AppError('rate_limited', `too many failed logins; try again in ${Math.ceil(ms / 1000)} s`);
  e.retryAfterSeconds = Math.ceil(ms / 1000);
  return e;
}

/** Username + password → a new session. Failures are counted per user and per client address. */
export async function loginWithPassword(
  deps: AppDeps,
  input: { username: unknown; password: unknown; clientAddress: string; requestId?: string },
): Promise<NewSession> {
  if (typeof input.username !== 'string' || input.username.length === 0 || input.username.length > 256) throw new AppError('invalid', 'username must be a string of 1-256 characters');
  if (typeof input.password !== 'string' || input.password.length === 0 || input.password.length > MAX_PASSWORD_LENGTH) throw new AppError('invalid', `password must be a string of 1-${MAX_PASSWORD_LENGTH} characters`);
  const username = input.username;
  const password = input.password;
  const userKey = `user:${username.toLowerCase()}`;
  const ipKey = `ip:${input.clientAddress.slice(0, 64)}`;
  const now = deps.now();
  const pre = await deps.store.transaction(async (repos) => {
    const wait = Math.max(lockRemainingMs(await repos.loginThrottle.get(userKey), now), lockRemainingMs(await repos.loginThrottle.get(ipKey), now));
    const user = await repos.auth.getUserByName(username);
    const hash = user ? await repos.auth.getPasswordHash(user.id) : undefined;
    return { wait, user, hash, grants: user ? await repos.auth.grantsOf(user.id) : [] };
  });
  if (pre.wait > 0) throw rateLimited(pre.wait);
  const ok = await verifyPassword(password, pre.hash ?? dummyHash(deps.identity?.scryptLogN ?? DEFAULT_SCRYPT_LOG_N));
  const later = deps.now();
  if (!ok || !pre.user || !pre.hash) {
    const locked = await deps.store.transaction(async (repos) => {
      await repos.loginThrottle.purgeStale(new Date(later.getTime() - 2 * 60 * 60_000).toISOString(), later.toISOString());
      const u = recordFailure(await repos.loginThrottle.get(userKey), userKey, USER_THROTTLE, later);
      const i = recordFailure(await repos.loginThrottle.get(ipKey), ipKey, IP_THROTTLE, later);
      await repos.loginThrottle.put(u.next);
      await repos.loginThrottle.put(i.next);
      const orgs = auditOrgsOf(pre.grants);
      const target = `User/${username.slice(0, 64)}`;
      await auditAuthEvent(repos, 'anonymous', orgs, { action: 'auth.login.failed', target, diff: { method: 'password', clientAddress: input.clientAddress, failures: u.next.failures }, requestId: input.requestId }, later);
      const lockMs = Math.max(u.lockMs, i.lockMs);
      if (lockMs > 0) {
        await auditAuthEvent(repos, 'system:login-throttle', orgs, { action: 'auth.lockout', target, diff: { by: u.lockMs >= i.lockMs ? 'user' : 'clientAddress', clientAddress: input.clientAddress, seconds: Math.ceil(lockMs / 1000), until: new Date(later.getTime() + lockMs).toISOString() }, requestId: input.requestId }, later);
      }
      return lockMs;
    });
    if (locked > 0) throw rateLimited(locked);
    throw new AppError('unauthenticated', 'invalid user name or password');
  }
  const user = pre.user;
  return deps.store.transaction(async (repos) => {
    await repos.loginThrottle.clear(userKey);
    await repos.sessions.purgeExpired(later.toISOString(), new Date(later.getTime() - (deps.identity?.sessionIdleMs ?? SESSION_IDLE_MS)).toISOString());
    const session = await openSession(repos, deps, user.id, user.name, 'password', later);
    await auditAuthEvent(repos, user.name, auditOrgsOf(pre.grants), { action: 'auth.login', target: `User/${user.name}`, diff: { method: 'password', clientAddress: input.clientAddress }, requestId: input.requestId }, later);
    return session;
  });
}

/** The actor behind a session cookie; unauthenticated when it is unknown, idle too long or expired. */
export async function authenticateSession(deps: AppDeps, sessionId: string): Promise<Actor> {
  if (sessionId.length < 20 || sessionId.length > 128) throw new AppError('unauthenticated', 'invalid session; sign in again');
  const hash = hashSessionId(sessionId);
  const now = deps.now();
  const idle = deps.identity?.sessionIdleMs ?? SESSION_IDLE_MS;
  const found = await deps.store.transaction(async (repos) => {
    const s = await repos.sessions.find(hash);
    if (!s) return undefined;
    if (Date.parse(s.expiresAt) <= now.getTime() || Date.parse(s.lastSeenAt) + idle <= now.getTime()) {
      await repos.sessions.delete(hash);
      return 'expired' as const;
    }
    const user = await repos.auth.getUser(s.userId);
    if (!user) return undefined;
    if (now.getTime() - Date.parse(s.lastSeenAt) >= TOUCH_EVERY_MS) await repos.sessions.touch(hash, now.toISOString());
    return { user, grants: await repos.auth.grantsOf(user.id) };
  });
  if (found === 'expired') throw new AppError('unauthenticated', 'session expired; sign in again');
  if (!found) throw new AppError('unauthenticated', 'invalid session; sign in again');
  return { id: found.user.id, name: found.user.name, grants: found.grants, via: 'session' };
}

export async function logout(deps: AppDeps, actor: Actor, sessionId: string, requestId?: string): Promise<{ loggedOut: boolean }> {
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    const deleted = await repos.sessions.delete(hashSessionId(sessionId));
    if (deleted) await auditAuthEvent(repos, actor.name, auditOrgsOf(actor.grants), { action: 'auth.logout', target: `User/${actor.name}`, diff: {}, requestId }, now);
    return { loggedOut: deleted };
  });
}
