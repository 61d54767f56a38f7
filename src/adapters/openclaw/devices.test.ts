import { describe, expect, it } from 'vitest';
import { mapDeviceList } from './devices.ts';

describe('mapDeviceList', () => {
  it('keeps metadata and drops anything token-like', () => {
    const out = mapDeviceList({
      pending: [{ requestId: 'r1', deviceId: 'd1', publicKey: 'PK', clientId: 'cli', role: 'operator', scopes: ['operator.read'], ts: 5 }],
      paired: [{ deviceId: 'd2', roles: ['operator'], scopes: ['operator.read'], approvedVia: 'manual', approvedAtMs: 7, tokens: [{ role: 'operator', scopes: ['operator.read'], createdAtMs: 1, token: 'SECRET-TOKEN' }] }],
    });
    expect(out).toEqual({
      pending: [{ requestId: 'r1', deviceId: 'd1', clientId: 'cli', role: 'operator', scopes: ['operator.read'], requestedAtMs: 5 }],
      paired: [{ deviceId: 'd2', roles: ['operator'], scopes: ['operator.read'], approvedVia: 'manual', approvedAtMs: 7, tokens: [{ role: 'operator', scopes: ['operator.read'], createdAtMs: 1 }] }],
    });
    expect(JSON.stringify(out)).not.toContain('SECRET-TOKEN');
  });
  it('tolerates an empty or odd payload', () => {
    expect(mapDeviceList(undefined)).toEqual({ pending: [], paired: [] });
    expect(mapDeviceList({ pending: 'x', paired: [null] })).toEqual({ pending: [], paired: [{ deviceId: '', roles: [], scopes: [], tokens: [] }] });
  });
});
