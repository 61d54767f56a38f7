// OIDC single sign-on: start the flow, finish it, provision the user and map group claims to roles.
import { createHash } from 'node:crypto';
import { rolesFromGroups, userNameFromClaims } from '../core/oidc-roles.ts';
import type { OidcPort } from './identity-options.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { SYSTEM_AUDIT_ORG, auditAuthEvent, auditOrgsOf } from './auth-audit.ts';
import { type NewSession, openSession } from './session-commands.ts';

function oidcOf(deps: AppDeps): OidcPort {
  const oidc = deps.identity?.oidc;
  if (!oidc) throw new AppError('not_found', 'single sign-on is not configured on this server (CLAWPLANE_OIDC_ISSUER)');
  return oidc;
}

export function ssoEnabled(deps: AppDeps): boolean {
  return deps.identity?.oidc !== undefined;
}

/** Only same-site relative paths under /ui are accepted as where to go after login. */
export function safeReturnTo(raw: string | undefined): string {
  return raw && /^\/ui(\/[\w./-]*)?$/.test(raw) && !raw.includes('..') ? raw : '/ui/';
}

export async function startOidcLogin(deps: AppDeps, returnTo: string | undefined): Promise<{ url: string; flowId: string }> {
  const oidc = oidcOf(deps);
  try {
    return await oidc.begin(safeReturnTo(returnTo));
  } catch (e) {
    throw new AppError('unavailable', `the identity provider ${oidc.issuer} cannot be reached: ${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}`);
  }
}

export async function completeOidcLogin(
  deps: AppDeps,
  input: { flowId: string | undefined; callbackUrl: URL; clientAddress: string; requestId?: string },
): Promise<NewSession & { returnTo: string }> {
  const oidc = oidcOf(deps);
  const idpError = input.callbackUrl.searchParams.get('error');
  if (idpError) throw new AppError('unauthenticated', `the identity provider refused the login: ${idpError.slice(0, 80)}`);
  if (!input.flowId) throw new AppError('unauthenticated', 'no sign-in in progress in this browser (missing or expired login cookie); start again');
  let result: Awaited<ReturnType<OidcPort['complete']>>;
  try {
    result = await oidc.complete(input.flowId, input.callbackUrl);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('unauthenticated', `single sign-on failed: ${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}`);
  }
  const { identity, returnTo } = result;
  const subject = `${identity.issuer}|${identity.subject}`;
  const mapped = rolesFromGroups(oidc.mappings, identity.groups);
  const mappedOrgs = new Set(oidc.mappings.map((m) => m.org));
  const now = deps.now();
  return deps.store.transaction(async (repos) => {
    let user = await repos.auth.getUserByOidcSubject(subject);
    if (!user) {
      if (mapped.size === 0) {
        await auditAuthEvent(repos, 'anonymous', [SYSTEM_AUDIT_ORG], { action: 'auth.login.failed', target: `User/${userNameFromClaims(identity)}`, diff: { method: 'oidc', reason: 'no role mapped for the user\'s groups', groups: identity.groups.slice(0, 50), clientAddress: input.clientAddress }, requestId: input.requestId }, now);
        throw new AppError('forbidden', 'your SSO groups do not map to any role in Clawplane; ask an administrator');
      }
      let name = userNameFromClaims(identity);
      if (await repos.auth.getUserByName(name)) name = `${name.slice(0, 90)}-${createHash('sha256').update(subject).digest('hex').slice(0, 8)}`;
      user = await repos.auth.createUser({ id: deps.newId(), name, createdAt: now.toISOString(), oidcSubject: subject });
      await auditAuthEvent(repos, `sso:${identity.issuer}`, [...mapped.keys()].sort(), { action: 'user.provision', target: `User/${name}`, diff: { method: 'oidc', issuer: identity.issuer }, requestId: input.requestId }, now);
    }
    const current = await repos.auth.grantsOf(user.id);
    for (const org of mappedOrgs) {
      const before = current.find((g) => g.org === org)?.role ?? null;
      const after = mapped.get(org) ?? null;
      if (before === after) continue;
      if (after) await repos.auth.grant({ userId: user.id, org, role: after });
      else await repos.auth.revoke(user.id, org);
      await auditAuthEvent(repos, `sso:${identity.issuer}`, [org], { action: 'role.change', target: `User/${user.name}`, diff: { from: before, to: after, source: 'sso group claims' }, requestId: input.requestId }, now);
    }
    const grants = await repos.auth.grantsOf(user.id);
    if (grants.length === 0) throw new AppError('forbidden', 'your SSO groups do not map to any role in Clawplane; ask an administrator');
    const session = await openSession(repos, deps, user.id, user.name, 'oidc', now);
    await auditAuthEvent(repos, user.name, auditOrgsOf(grants), { action: 'auth.login', target: `User/${user.name}`, diff: { method: 'oidc', clientAddress: input.clientAddress }, requestId: input.requestId }, now);
    return { ...session, returnTo };
  });
}
