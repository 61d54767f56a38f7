import { describe, expect, it } from 'vitest';
import { deploymentId, gatewayKey, parseGatewayKey } from './gateway-key.ts';

describe('gateway keys', () => {
  it('round-trips and rejects malformed keys', () => {
    expect(parseGatewayKey(gatewayKey('acme', 'gw-1'))).toEqual({ org: 'acme', name: 'gw-1' });
    expect(deploymentId('acme', 'gw-1')).toBe('acme--gw-1');
    for (const bad of ['', 'acme', '/gw', 'acme/', 'a/b/c']) expect(() => parseGatewayKey(bad)).toThrow('invalid gateway key');
  });
});
