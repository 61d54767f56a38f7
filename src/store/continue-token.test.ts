import { describe, expect, it } from 'vitest';
import { StoreInvalidInput } from '../core/ports/store.ts';
import { decodeContinue, encodeContinue, pageLimit } from './continue-token.ts';

describe('continue token', () => {
  it('round-trips the last name without exposing it in clear text', () => {
    const t = encodeContinue('gw-042');
    expect(t).not.toContain('gw-042');
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContinue(t)).toBe('gw-042');
  });

  it('rejects malformed tokens', () => {
    for (const bad of ['', 'not-a-token', Buffer.from('{"v":2,"after":"x"}').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
      expect(() => decodeContinue(bad)).toThrow(StoreInvalidInput);
    }
  });

  it('defaults the page size to 500 and clamps it to 1..1000', () => {
    expect(pageLimit(undefined)).toBe(500);
    expect(pageLimit(10)).toBe(10);
    expect(pageLimit(5000)).toBe(1000);
    expect(pageLimit(0)).toBe(1);
    expect(pageLimit(Number.NaN)).toBe(500);
  });
});
