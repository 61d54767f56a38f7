// SSO group claims → roles per organization: the highest role of the groups that match wins.
import type { Role } from './resources.ts';

export interface GroupRoleMapping {
  group: string;
  org: string;
  role: Role;
}

const rank: Record<Role, number> = { auditor: 0, viewer: 1, operator: 2, admin: 3 };

/** Org → role for the user's groups; orgs the mapping mentions but no group matches are absent. */
export function rolesFromGroups(mappings: readonly GroupRoleMapping[], groups: readonly string[]): Map<string, Role> {
  const have = new Set(groups);
  const out = new Map<string, Role>();
  for (const m of mappings) {
    if (!have.has(m.group)) continue;
    const cur = out.get(m.org);
    if (!cur || rank[m.role] > rank[cur]) out.set(m.org, m.role);
  }
  return out;
}

/** A user name from the IdP's claims: preferred_username, else email, else the subject; safe characters only. */
export function userNameFromClaims(claims: { username?: string; email?: string; subject: string }): string {
  const raw = claims.username ?? claims.email ?? claims.subject;
  const cleaned = raw.replace(/[^A-Za-z0-9._@+-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 100);
  return cleaned === '' ? 'sso-user' : cleaned;
}
