import { describe, expect, it } from 'vitest';
import { rolesFromGroups, userNameFromClaims } from './oidc-roles.ts';

describe('SSO group → role mapping', () => {
  const mappings = [
    { group: 'acme-viewers', org: 'acme', role: 'viewer' as const },
    { group: 'acme-admins', org: 'acme', role: 'admin' as const },
    { group: 'globex-audit', org: 'globex', role: 'auditor' as const },
  ];
  it('takes the highest matching role per org', () => {
    expect([...rolesFromGroups(mappings, ['acme-viewers', 'acme-admins', 'other'])]).toEqual([['acme', 'admin']]);
    expect([...rolesFromGroups(mappings, ['globex-audit'])]).toEqual([['globex', 'auditor']]);
    expect(rolesFromGroups(mappings, []).size).toBe(0);
  });
  it('derives safe user names', () => {
    expect(userNameFromClaims({ username: 'ann', subject: 's' })).toBe('ann');
    expect(userNameFromClaims({ email: 'ann@example.com', subject: 's' })).toBe('ann@example.com');
    expect(userNameFromClaims({ subject: '../x y' })).toBe('x-y');
    expect(userNameFromClaims({ subject: '///' })).toBe('sso-user');
  });
});
