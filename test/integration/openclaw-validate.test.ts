// Rendered configs of the examples must pass the REAL `openclaw config validate --json` of the
// pinned version (isolated HOME / state dir / config path; no gateway is started).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderOpenClawConfig } from '../../src/adapters/openclaw/render.ts';
import { parseFleet } from '../../src/core/fleet-file.ts';
import { planFleet } from '../../src/core/plan-fleet.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const version = (JSON.parse(readFileSync(join(repo, 'openclaw-versions.json'), 'utf8')) as { default: string }).default;
const openclaw = join(repo, '.tools', 'runtimes', 'openclaw', version, 'node_modules', 'openclaw', 'openclaw.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'clawplane-validate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function validate(name: string, config: string): { status: number | null; json: { valid: boolean; warnings?: unknown[]; issues?: unknown[] } } {
  const dir = join(scratch, name);
  const state = join(dir, 'state');
  mkdirSync(join(dir, 'home'), { recursive: true });
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'openclaw.json'), config);
  const res = spawnSync(process.execPath, [openclaw, 'config', 'validate', '--json'], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { PATH: process.env.PATH ?? '', HOME: join(dir, 'home'), OPENCLAW_STATE_DIR: state, OPENCLAW_CONFIG_PATH: join(state, 'openclaw.json'), OPENCLAW_OFFLINE: '1', OPENCLAW_NO_AUTO_UPDATE: '1' },
  });
  return { status: res.status, json: JSON.parse(res.stdout) as { valid: boolean; warnings?: unknown[]; issues?: unknown[] } };
}

describe(`real openclaw ${version} config validate`, () => {
  const parsed = parseFleet(readFileSync(join(repo, 'examples', 'fleet.yaml'), 'utf8'), 'fleet.yaml');
  const plan = planFleet(parsed.documents, { stateDirFor: ({ org, name }) => join(scratch, 'fleet', org, name), defaultRuntimeVersion: version });

  it('the example fleet plans clean', () => {
    expect(parsed.issues).toEqual([]);
    expect(plan.ok).toBe(true);
  });

  for (const g of plan.gateways) {
    it(`accepts the rendered config of ${g.gateway} without warnings`, () => {
      const r = renderOpenClawConfig(g.effective);
      const out = validate(g.gateway, r.files['openclaw.json'] ?? '');
      expect(out.json).toMatchObject({ valid: true, warnings: [] });
      expect(out.status).toBe(0);
    });
  }

  it('rejects an unknown key (sanity check that validation is real)', () => {
    const out = validate('bad', JSON.stringify({ gateway: { mode: 'local', bogus: true } }));
    expect(out.status).toBe(1);
    expect(out.json.valid).toBe(false);
  });
});
