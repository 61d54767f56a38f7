// Pure helpers of the process driver (the driver itself is tested in test/integration).
import { describe, expect, it } from 'vitest';
import { assertGatewayId, buildGatewayEnv, openClawEntry, resolveStateFile, type GatewayPaths } from './process-driver.ts';

const paths: GatewayPaths = {
  root: '/d/gateways/a--b', home: '/d/gateways/a--b/home', state: '/d/gateways/a--b/state', logs: '/d/gateways/a--b/logs',
  logFile: '/d/gateways/a--b/logs/gateway.log', record: '/d/gateways/a--b/gateway.json', config: '/d/gateways/a--b/state/openclaw.json',
};

describe('buildGatewayEnv', () => {
  it('is a clean env: only base env, deployment env and control variables', () => {
    const env = buildGatewayEnv({ env: { OPENCLAW_GATEWAY_TOKEN: 't', TG_TOKEN: 'x' } }, paths, {
      nodeDir: '/n/bin', baseEnv: { NODE_EXTRA_CA_CERTS: '/ca.pem' },
    });
    expect(env).toEqual({
      NODE_EXTRA_CA_CERTS: '/ca.pem',
      OPENCLAW_GATEWAY_TOKEN: 't',
      TG_TOKEN: 'x',
      PATH: '/n/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: paths.home,
      OPENCLAW_STATE_DIR: paths.state,
      OPENCLAW_CONFIG_PATH: paths.config,
      OPENCLAW_NO_RESPAWN: '1',
      OPENCLAW_DISABLE_BONJOUR: '1',
      OPENCLAW_NO_AUTO_UPDATE: '1',
      OPENCLAW_SUPERVISOR_MODE: 'external',
      OPENCLAW_CONFIG_READONLY: '1',
    });
  });
  it('control variables win over deployment env; skipChannels only when asked', () => {
    const env = buildGatewayEnv({ env: { OPENCLAW_STATE_DIR: '/elsewhere', OPENCLAW_CONFIG_READONLY: '0', HOME: '/root' } }, paths, {
      nodeDir: '/n', skipChannels: true,
    });
    expect(env.OPENCLAW_STATE_DIR).toBe(paths.state);
    expect(env.OPENCLAW_CONFIG_READONLY).toBe('1');
    expect(env.HOME).toBe(paths.home);
    expect(env.OPENCLAW_SKIP_CHANNELS).toBe('1');
    expect(buildGatewayEnv({ env: {} }, paths, { nodeDir: '/n' }).OPENCLAW_SKIP_CHANNELS).toBeUndefined();
  });
  it('rejects invalid env names', () => {
    expect(() => buildGatewayEnv({ env: { 'A=B': 'x' } }, paths, { nodeDir: '/n' })).toThrow(/invalid env var name/);
  });
});

describe('path safety', () => {
  it('accepts nested relative files under the state dir', () => {
    expect(resolveStateFile('/s', 'openclaw.json')).toBe('/s/openclaw.json');
    expect(resolveStateFile('/s', 'agents/main.json5')).toBe('/s/agents/main.json5');
  });
  it.each(['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './x', 'a\\b', 'a\0b'])('refuses %j', (p) => {
    expect(() => resolveStateFile('/s', p)).toThrow(/invalid file path/);
  });
  it('validates gateway ids and runtime versions', () => {
    expect(() => assertGatewayId('acme--gw1')).not.toThrow();
    for (const bad of ['', '.', '..', '../x', 'a/b', '-x', 'a..b', 'x'.repeat(200)]) expect(() => assertGatewayId(bad)).toThrow();
    expect(openClawEntry('/r', '2026.9.6')).toBe('/r/openclaw/2026.9.6/node_modules/openclaw/openclaw.mjs');
    expect(() => openClawEntry('/r', '../../bin')).toThrow(/invalid runtime version/);
  });
});
