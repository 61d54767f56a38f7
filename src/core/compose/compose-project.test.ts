import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONTAINER_STATE_DIR, buildGatewayContainer } from '../containers/gateway-container.ts';
import { parseFleet } from '../fleet-file.ts';
import { planFleet } from '../plan-fleet.ts';
import { composeVariable } from './compose-project.ts';
import { COMPOSE_FILE, exportCompose } from './export-compose.ts';

const root = new URL('../../../', import.meta.url);
const goldenDir = new URL('test/fixtures/golden/compose/', root);

function containers() {
  const parsed = parseFleet(readFileSync(new URL('examples/fleet.yaml', root), 'utf8'), 'fleet.yaml');
  const plan = planFleet(parsed.documents, { stateDirFor: () => CONTAINER_STATE_DIR, defaultRuntimeVersion: '2026.9.6' });
  return plan.gateways.map((p) => buildGatewayContainer({
    effective: p.effective,
    files: { 'openclaw.json': `{"gateway":{"port":${p.effective.port}}}\n`, 'workspaces/a/SOUL.md': 'Be kind.\n' },
    envNames: ['OPENCLAW_GATEWAY_TOKEN', 'TELEGRAM_X_BOT_TOKEN'],
    network: 'host',
  }));
}

type Service = Record<string, unknown> & { environment: Record<string, string>; command: string[] };

describe('Compose export', () => {
  it('matches the golden files for examples/fleet.yaml', () => {
    const r = exportCompose(containers(), { pullNever: true });
    expect(Object.keys(r.files).sort()).toEqual(['.env.example', 'README.md', 'alice-gw/config/openclaw.json', 'alice-gw/config/workspaces/a/SOUL.md', COMPOSE_FILE, 'support-gw/config/openclaw.json', 'support-gw/config/workspaces/a/SOUL.md']);
    for (const name of [COMPOSE_FILE, '.env.example', 'README.md']) {
      const file = new URL(name, goldenDir);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        mkdirSync(dirname(file.pathname), { recursive: true });
        writeFileSync(file, r.files[name] ?? '');
      }
      expect(r.files[name], name).toBe(readFileSync(file, 'utf8'));
    }
    // The YAML says what the object says (YAML 1.1 quoting for Compose v1's PyYAML: "no", "0:0").
    expect(parse(r.files[COMPOSE_FILE] ?? '', { version: '1.1' })).toEqual(r.compose);
  });

  it('one hardened service per gateway on the host network bound to loopback, secrets only as ${VAR}', () => {
    const r = exportCompose(containers());
    const services = r.compose.services as Record<string, Service>;
    expect(Object.keys(services).sort()).toEqual(['alice-gw', 'alice-gw-init', 'support-gw', 'support-gw-init']);
    const gw = services['support-gw']!;
    expect(gw).toMatchObject({
      init: true, network_mode: 'host', read_only: true, cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'],
      pids_limit: 512, mem_limit: '2g', user: '1000:1000', restart: 'unless-stopped',
      depends_on: { 'support-gw-init': { condition: 'service_completed_successfully' } },
    });
    expect(gw.pull_policy).toBeUndefined();
    expect(gw.command).toEqual(['gateway', 'run', '--port', '19000', '--bind', 'loopback']);
    expect((gw.healthcheck as { test: string[] }).test.join(' ')).toContain('http://127.0.0.1:19000/readyz');
    expect(gw.environment.OPENCLAW_GATEWAY_TOKEN).toBe('${SUPPORT_GW__OPENCLAW_GATEWAY_TOKEN:?set SUPPORT_GW__OPENCLAW_GATEWAY_TOKEN in the environment or .env (see .env.example)}');
    expect(r.files['.env.example']).toContain('\nSUPPORT_GW__TELEGRAM_X_BOT_TOKEN=\n');
    expect(services['support-gw-init']).toMatchObject({ user: '0:0', network_mode: 'none', cap_drop: ['ALL'], cap_add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'] });
    expect(r.compose.volumes).toHaveProperty('support-gw-state');
    expect(composeVariable('a-b-c', 'X_Y')).toBe('A_B_C__X_Y');
    // an explicitly exposed gateway listens on the host's interfaces
    const exposed = exportCompose(containers().map((c) => ({ ...c, bind: 'lan' as const })));
    expect((exposed.compose.services as Record<string, Service>)['alice-gw']!.command.slice(-2)).toEqual(['--bind', 'lan']);
  });
});
