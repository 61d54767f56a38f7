import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, dummyHash, hashPassword, verifyPassword } from './password-hash.ts';

describe('password hashing', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const h = await hashPassword('correct horse battery', 12);
    expect(h).toMatch(/^scrypt\$12\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(h).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await hashPassword('correct horse battery', 12)).not.toBe(h);
  });
  it('uses OWASP parameters by default', async () => {
    expect(await hashPassword('correct horse battery')).toMatch(/^scrypt\$17\$8\$1\$/);
  });
  it('never verifies against malformed or dummy hashes', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', dummyHash(12))).toBe(false);
  });
  it('enforces the policy with a clear message', () => {
    expect(() => checkPasswordPolicy('short', 'ann')).toThrow(/too short/);
    expect(() => checkPasswordPolicy('aaaaaaaaaaaaaaaa', 'ann')).toThrow(/repetitive/);
    expect(() => checkPasswordPolicy('my-annabel-pass-1', 'annabel')).toThrow(/user name/);
    expect(() => checkPasswordPolicy('Password1234', 'ann')).toThrow(/common/);
    expect(() => checkPasswordPolicy('line\nbreak-pass-1', 'ann')).toThrow(/line breaks/);
    expect(() => checkPasswordPolicy(42, 'ann')).toThrow(/string/);
    expect(checkPasswordPolicy('tr0ub4dor&3-horse', 'ann')).toBe('tr0ub4dor&3-horse');
  });
});
