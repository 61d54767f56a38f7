// Who is calling: a Bearer API token (CLI), or a dashboard session cookie with CSRF protection.
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Actor } from '../app/actor.ts';
import { AppError } from '../app/app-error.ts';
import { authenticate } from '../app/auth-commands.ts';
import type { AppDeps } from '../app/app-deps.ts';
import { authenticateSession, csrfTokenMatches } from '../app/session-commands.ts';

export const SESSION_COOKIE = 'clawplane_session';
export const OIDC_FLOW_COOKIE = 'clawplane_oidc';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionIdOf(c: Context): string | undefined {
  const v = getCookie(c, SESSION_COOKIE);
  return v && /^[\w-]{20,128}$/.test(v) ? v : undefined;
}

/**
 * Bearer tokens win when present. Cookie sessions need, for unsafe methods, the session's CSRF
 * token in the X-CSRF-Token header and (when the browser sends one) a same-origin Origin header.
 */
export async function authenticateRequest(c: Context, deps: AppDeps): Promise<Actor> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return authenticate(deps, m?.[1]);
  }
  const sessionId = sessionIdOf(c);
  if (!sessionId) return authenticate(deps, undefined);
  const actor = await authenticateSession(deps, sessionId);
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(c.req.url).origin) {
      throw new AppError('forbidden', `cross-origin request from ${origin.slice(0, 100)} refused`);
    }
    if (!csrfTokenMatches(sessionId, c.req.header(CSRF_HEADER))) {
      throw new AppError('forbidden', `missing or invalid CSRF token: send the session's csrfToken (GET /v1/auth/session) in the ${CSRF_HEADER} header`);
    }
  }
  return actor;
}
