import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compareVersions, installRuntime, isValidRuntimeVersion, listRuntimes, removeRuntime, runtimeDir,
} from './runtime-install.ts';

describe('version validation', () => {
  it('accepts exact versions only', () => {
    for (const v of ['2026.9.6', '2026.10.1-beta.1', '1.2.3']) expect(isValidRuntimeVersion(v)).toBe(true);
    for (const v of ['latest', '^2026.9.6', '2026.9', '../2026.9.6', '2026.9.6/../../x', '2026.9.6 ', 'file:/x', '', '2026.9.6-']) {
      expect(isValidRuntimeVersion(v)).toBe(false);
    }
  });
  it('refuses path tricks and unknown kinds', () => {
    expect(() => runtimeDir('/r', 'openclaw', '../../etc')).toThrow(/invalid runtime version/);
    expect(() => runtimeDir('/r', 'evil/../x' as 'openclaw', '1.2.3')).toThrow(/unknown runtime kind/);
    expect(runtimeDir('/r', 'openclaw', '2026.9.6')).toBe('/r/openclaw/2026.9.6');
  });
  it('orders versions numerically, prereleases first', () => {
    expect(['2026.10.1', '2026.9.6', '2026.9.10', '2026.9.6-beta.1'].sort(compareVersions))
      .toEqual(['2026.9.6-beta.1', '2026.9.6', '2026.9.10', '2026.10.1']);
  });
});

describe('listRuntimes / installRuntime / removeRuntime (local layout)', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'rt-')); });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function fakeInstall(version: string, pkgVersion = version) {
    const pkg = join(dir, 'openclaw', version, 'node_modules', 'openclaw');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'openclaw', version: pkgVersion }));
  }

  it('lists complete installs only, sorted', async () => {
    await fakeInstall('2026.9.6');
    await fakeInstall('2026.9.5');
    await fakeInstall('2026.9.4', '2026.9.3'); // mismatched: incomplete / corrupt
    await mkdir(join(dir, 'openclaw', '.2026.9.7.installing-abcd'), { recursive: true });
    const list = await listRuntimes(dir);
    expect(list.map((r) => r.version)).toEqual(['2026.9.5', '2026.9.6']);
    expect(list[1]?.entry).toBe(join(dir, 'openclaw', '2026.9.6', 'node_modules', 'openclaw', 'openclaw.mjs'));
    expect(await listRuntimes(join(dir, 'nope'))).toEqual([]);
  });

  it('install is a no-op when the version is already there (no npm call)', async () => {
    await fakeInstall('2026.9.6');
    const res = await installRuntime(dir, 'openclaw', '2026.9.6', { nodePath: '/nonexistent/node', npmPath: '/nonexistent/npm' });
    expect(res).toMatchObject({ installed: false, version: '2026.9.6' });
  });

  it('a failing npm leaves nothing behind', async () => {
    await expect(installRuntime(dir, 'openclaw', '2026.9.6', { nodePath: process.execPath, npmPath: '/bin/false' }))
      .rejects.toThrow(/failed/);
    expect(await listRuntimes(dir)).toEqual([]);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(dir, 'openclaw'))).toEqual([]);
  });

  it('removes a version', async () => {
    await fakeInstall('2026.9.5');
    expect(await removeRuntime(dir, 'openclaw', '2026.9.5')).toBe(true);
    expect(await removeRuntime(dir, 'openclaw', '2026.9.5')).toBe(false);
    await expect(removeRuntime(dir, 'openclaw', '..')).rejects.toThrow(/invalid runtime version/);
  });
});
