import { describe, expect, it } from 'vitest';
import { generateToken } from './token.ts';

describe('generateToken', () => {
  it('returns 32 random bytes as unpadded base64url', () => {
    const t = generateToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    const many = new Set(Array.from({ length: 100 }, generateToken));
    expect(many.size).toBe(100);
  });
});
