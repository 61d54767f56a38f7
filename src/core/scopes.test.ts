import { describe, expect, it } from 'vitest';
import { expandScopes, parseDuration, parseScopes, scopeAllows } from './scopes.ts';

describe('token scopes', () => {
  it('expands implied scopes', () => {
    expect(expandScopes(['admin'])).toEqual(['read', 'write', 'admin', 'audit:read', 'secrets:write']);
    expect(expandScopes(['write'])).toEqual(['read', 'write', 'audit:read']);
    expect(expandScopes(['audit:read'])).toEqual(['audit:read']);
    expect(expandScopes(['secrets:write'])).toEqual(['secrets:write']);
  });
  it('allows by scope; undefined = unrestricted', () => {
    expect(scopeAllows(undefined, 'admin')).toBe(true);
    expect(scopeAllows(['read'], 'audit:read')).toBe(true);
    expect(scopeAllows(['read'], 'write')).toBe(false);
    expect(scopeAllows(['audit:read'], 'read')).toBe(false);
    expect(scopeAllows(['secrets:write'], 'admin')).toBe(false);
  });
  it('parses scope lists and names unknown ones', () => {
    expect(parseScopes('read, audit:read,read')).toEqual({ scopes: ['read', 'audit:read'] });
    expect(parseScopes('read,root')).toEqual({ error: expect.stringContaining('"root"') as string });
    expect(parseScopes('')).toEqual({ error: expect.stringContaining('must not be empty') as string });
  });
  it('parses durations within bounds', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('0m')).toBeUndefined();
    expect(parseDuration('11y')).toBeUndefined();
    expect(parseDuration('99999w')).toBeUndefined();
  });
});
