// Real `npm install openclaw@<v>` into a temp runtimes dir. Network + ~1 min, so opt-in:
//   CLAWPLANE_TEST_NPM_INSTALL=1 npx vitest run test/integration/runtime-install.test.ts
// The npm env (HOME for the user npmrc/cache, NODE_EXTRA_CA_CERTS, proxies) is passed explicitly.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { installRuntime, listRuntimes, removeRuntime } from '../../src/adapters/openclaw/runtime-install.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = join(REPO, '.tools', 'node24', 'bin', 'node');
const enabled = process.env.CLAWPLANE_TEST_NPM_INSTALL === '1';

describe.skipIf(!enabled)('installRuntime with the real npm registry', () => {
  let dir: string | undefined;
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('installs, is idempotent, runs, lists and removes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-rt-'));
    const env: Record<string, string> = {};
    for (const k of ['HOME', 'NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) {
      const v = process.env[k];
      if (v) env[k] = v;
    }
    const first = await installRuntime(dir, 'openclaw', '2026.9.6', { nodePath: NODE, env });
    expect(first.installed).toBe(true);
    const second = await installRuntime(dir, 'openclaw', '2026.9.6', { nodePath: NODE, env });
    expect(second.installed).toBe(false);
    const out = spawnSync(NODE, [first.entry, '--version'], { encoding: 'utf8', env: { HOME: dir, PATH: dirname(NODE) } });
    expect(out.stdout).toContain('2026.9.6');
    expect((await listRuntimes(dir)).map((r) => r.version)).toEqual(['2026.9.6']);
    expect(await removeRuntime(dir, 'openclaw', '2026.9.6')).toBe(true);
    expect(await listRuntimes(dir)).toEqual([]);
  }, 600_000);
});
