// Identity and access: password login, sessions, SSO, users and role bindings, API tokens.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AppError } from '../../app/app-error.ts';
import { type CreateTokenOptions, createApiToken, describeActor, listOrgTokens, listOwnTokens, revokeApiToken } from '../../app/auth-commands.ts';
import { completeOidcLogin, ssoEnabled, startOidcLogin } from '../../app/oidc-commands.ts';
import { type NewSession, csrfTokenFor, loginWithPassword, logout } from '../../app/session-commands.ts';
import { addUser, changeOwnPassword, listUsers, removeUser, setUserPassword, setUserRole } from '../../app/user-commands.ts';
import { type ApiServices, type RouteDef, actorOf, jsonBody, param } from '../api-context.ts';
import { isHttps as isHttpsUrl } from '../https.ts';
import { OIDC_FLOW_COOKIE, SESSION_COOKIE, sessionIdOf } from '../request-auth.ts';

function isHttps(c: Context, s: ApiServices): boolean {
  return isHttpsUrl(c, s.publicUrl);
}

export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local';
  }
}

function objectBody(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new AppError('invalid', 'body must be a JSON object');
  return v as Record<string, unknown>;
}

function setSessionCookie(c: Context, s: ApiServices, session: NewSession): void {
  setCookie(c, SESSION_COOKIE, session.sessionId, {
    httpOnly: true, sameSite: 'Strict', secure: isHttps(c, s), path: '/',
    maxAge: Math.max(60, Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000)),
  });
}

function requestId(c: Context): string {
  return String(c.get('requestId'));
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AppError('invalid', `${key} must be a string`);
  return v;
}

export const identityRoutes: RouteDef[] = [
  {
    method: 'post', path: '/v1/auth/login', summary: 'Sign in with user name and password (body {username, password}); sets the HttpOnly session cookie, returns the CSRF token', tag: 'auth', permission: 'public', body: 'json',
    handler: async (c, s) => {
      const body = objectBody(await jsonBody(c));
      const session = await loginWithPassword(s.deps, { username: body.username, password: body.password, clientAddress: clientAddress(c), requestId: requestId(c) });
      setSessionCookie(c, s, session);
      return c.json({ user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
    },
  },
  {
    method: 'get', path: '/v1/auth/session', summary: 'The signed-in user, roles and (for cookie sessions) the CSRF token', tag: 'auth', permission: 'authenticated',
    handler: async (c, s) => {
      const actor = await actorOf(c, s);
      const sid = actor.via === 'session' ? sessionIdOf(c) : undefined;
      return c.json({ ...describeActor(actor), ...(sid ? { csrfToken: csrfTokenFor(sid) } : {}), sso: ssoEnabled(s.deps) });
    },
  },
  {
    method: 'post', path: '/v1/auth/logout', summary: 'End the dashboard session and clear its cookie', tag: 'auth', permission: 'authenticated',
    handler: async (c, s) => {
      const actor = await actorOf(c, s);
      const sid = sessionIdOf(c);
      const out = actor.via === 'session' && sid ? await logout(s.deps, actor, sid, requestId(c)) : { loggedOut: false };
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c, s) });
      return c.json(out);
    },
  },
  {
    method: 'get', path: '/v1/auth/sso', summary: 'Whether single sign-on is configured (for the login page)', tag: 'auth', permission: 'public',
    handler: (c, s) => Promise.resolve(c.json({ enabled: ssoEnabled(s.deps), ...(s.deps.identity?.oidc ? { issuer: s.deps.identity.oidc.issuer } : {}) })),
  },
  {
    method: 'get', path: '/v1/auth/oidc/login', summary: 'Start single sign-on: redirects to the identity provider (authorization code + PKCE + state + nonce)', tag: 'auth', permission: 'public', query: ['returnTo'],
    handler: async (c, s) => {
      const { url, flowId } = await startOidcLogin(s.deps, c.req.query('returnTo'));
      // Lax, not Strict: the identity provider's redirect back is a cross-site top-level navigation.
      setCookie(c, OIDC_FLOW_COOKIE, flowId, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c, s), path: '/v1/auth/oidc', maxAge: 600 });
      return c.redirect(url, 302);
    },
  },
  {
    method: 'get', path: '/v1/auth/oidc/callback', summary: 'Single sign-on callback: checks the code, state, nonce and PKCE, provisions the user, maps groups to roles', tag: 'auth', permission: 'public', query: ['code', 'state'],
    handler: async (c, s) => {
      const flowId = getCookie(c, OIDC_FLOW_COOKIE);
      deleteCookie(c, OIDC_FLOW_COOKIE, { path: '/v1/auth/oidc', secure: isHttps(c, s) });
      const session = await completeOidcLogin(s.deps, { flowId: flowId && /^[\w-]{16,128}$/.test(flowId) ? flowId : undefined, callbackUrl: new URL(c.req.url), clientAddress: clientAddress(c), requestId: requestId(c) });
      setSessionCookie(c, s, session);
      // A same-site page navigates on, so the Strict session cookie is sent with the dashboard's requests.
      return c.html(`<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${session.returnTo}"><title>Signed in</title><p>Signed in. <a href="${session.returnTo}">Continue</a></p>`);
    },
  },
  {
    method: 'put', path: '/v1/auth/password', summary: 'Change your own password (body {current, password}); ends your sessions', tag: 'auth', permission: 'authenticated', body: 'json', scope: 'admin',
    handler: async (c, s) => {
      const body = objectBody(await jsonBody(c));
      return c.json(await changeOwnPassword(s.deps, await actorOf(c, s), { current: body.current, password: body.password }, requestId(c)));
    },
  },
  {
    method: 'get', path: '/v1/tokens', summary: 'Your API tokens (metadata; never the token)', tag: 'auth', permission: 'authenticated',
    handler: async (c, s) => c.json({ items: await listOwnTokens(s.deps, await actorOf(c, s)) }),
  },
  {
    method: 'post', path: '/v1/tokens', summary: 'Create an API token: body {scopes?, expiresIn? ("30d"), org?, agent?, description?, user? (global admins)}', tag: 'auth', permission: 'authenticated', body: 'json',
    handler: async (c, s) => {
      const body = objectBody(await jsonBody(c));
      const opts: CreateTokenOptions = {};
      for (const k of ['user', 'description', 'expiresIn', 'org', 'agent'] as const) {
        const v = optionalString(body, k);
        if (v !== undefined) opts[k] = v;
      }
      if (body.expiresInDays !== undefined) {
        if (typeof body.expiresInDays !== 'number') throw new AppError('invalid', 'expiresInDays must be a number');
        opts.expiresInDays = body.expiresInDays;
      }
      if (body.scopes !== undefined) {
        if (typeof body.scopes !== 'string' && !(Array.isArray(body.scopes) && body.scopes.every((x) => typeof x === 'string'))) throw new AppError('invalid', 'scopes must be a list of strings or a comma-separated string');
        opts.scopes = body.scopes as string | string[];
      }
      return c.json(await createApiToken(s.deps, await actorOf(c, s), opts, requestId(c)), 201);
    },
  },
  {
    method: 'delete', path: '/v1/tokens/:id', summary: 'Revoke an API token (yours, or of a user you administer)', tag: 'auth', permission: 'authenticated',
    handler: async (c, s) => c.json(await revokeApiToken(s.deps, await actorOf(c, s), param(c, 'id'), requestId(c))),
  },
  {
    method: 'get', path: '/v1/orgs/:org/tokens', summary: 'API tokens of the organization\'s members (metadata)', tag: 'auth', permission: 'org-admin',
    handler: async (c, s) => c.json({ items: await listOrgTokens(s.deps, await actorOf(c, s), param(c, 'org')) }),
  },
  {
    method: 'get', path: '/v1/orgs/:org/users', summary: 'Users of the organization with their role', tag: 'auth', permission: 'org-admin',
    handler: async (c, s) => c.json({ items: await listUsers(s.deps, await actorOf(c, s), param(c, 'org')) }),
  },
  {
    method: 'post', path: '/v1/orgs/:org/users', summary: 'Add a local user with a role (body {name, role, password?})', tag: 'auth', permission: 'org-admin', body: 'json',
    handler: async (c, s) => {
      const body = objectBody(await jsonBody(c));
      return c.json(await addUser(s.deps, await actorOf(c, s), param(c, 'org'), { name: body.name, role: body.role, password: body.password }, requestId(c)), 201);
    },
  },
  {
    method: 'put', path: '/v1/orgs/:org/users/:name/role', summary: 'Bind a user to a role in the organization (body {role})', tag: 'auth', permission: 'org-admin', body: 'json',
    handler: async (c, s) => {
      const body = objectBody(await jsonBody(c));
      return c.json(await setUserRole(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), body.role, requestId(c)));
    },
  },
  {
    method: 'put', path: '/v1/orgs/:org/users/:name/password', summary: 'Set a user\'s password (body {password}); ends their sessions', tag: 'auth', permission: 'org-admin', body: 'json',
    handler: async (c, s) => {
      const body = objectBody(await jsonBody(c));
      return c.json(await setUserPassword(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), body.password, requestId(c)));
    },
  },
  {
    method: 'delete', path: '/v1/orgs/:org/users/:name', summary: 'Remove a user from the organization (deleted when in no organization)', tag: 'auth', permission: 'org-admin',
    handler: async (c, s) => c.json(await removeUser(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), requestId(c))),
  },
];
