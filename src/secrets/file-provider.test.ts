import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSecretsProvider } from './file-provider.ts';

let dir: string;
let root: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-filesec-'));
  root = join(dir, 'secrets');
  await mkdir(join(root, 'acme'), { recursive: true });
  await writeFile(join(root, 'tg'), 'file-value\n');
  await writeFile(join(root, 'crlf'), 'line1\nline2\r\n\r\n');
  await writeFile(join(root, 'acme', 'key'), 'acme-only');
  await writeFile(join(dir, 'outside'), 'outside-value');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createFileSecretsProvider', () => {
  it('reads files under an allowed root and trims trailing newlines only', async () => {
    const p = createFileSecretsProvider({ allowedRoots: [root] });
    expect(p.kind).toBe('file');
    expect(await p.get('acme', 'tg', join(root, 'tg'))).toBe('file-value');
    expect(await p.get('acme', 'crlf', join(root, 'crlf'))).toBe('line1\nline2');
    expect(await p.get('acme', 'gone', join(root, 'missing'))).toBeUndefined();
  });

  it('refuses relative paths, missing keys, and paths outside the roots (.. and symlinks)', async () => {
    const p = createFileSecretsProvider({ allowedRoots: [root] });
    await expect(p.get('acme', 'x')).rejects.toMatchObject({ code: 'invalid-reference' });
    await expect(p.get('acme', 'x', 'secrets/tg')).rejects.toMatchObject({ code: 'invalid-reference' });
    await expect(p.get('acme', 'x', join(dir, 'outside'))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(p.get('acme', 'x', `${root}/../outside`)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(p.get('acme', 'x', `${root}-evil/tg`)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(p.get('acme', 'x', root)).rejects.toMatchObject({ code: 'forbidden' });
    await symlink(join(dir, 'outside'), join(root, 'link'));
    await expect(p.get('acme', 'x', join(root, 'link'))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(p.get('acme', 'x', join(root, 'acme'))).rejects.toMatchObject({ code: 'invalid-reference' });
  });

  it('refuses everything when no roots are given, and relative roots at construction', async () => {
    const p = createFileSecretsProvider({ allowedRoots: [] });
    await expect(p.get('acme', 'x', join(root, 'tg'))).rejects.toMatchObject({ code: 'forbidden' });
    expect(() => createFileSecretsProvider({ allowedRoots: ['relative/dir'] })).toThrow(/absolute/);
  });

  it('scopes roots per org with {org}', async () => {
    const p = createFileSecretsProvider({ allowedRoots: [join(root, '{org}')] });
    expect(await p.get('acme', 'k', join(root, 'acme', 'key'))).toBe('acme-only');
    await expect(p.get('other', 'k', join(root, 'acme', 'key'))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses files over maxBytes', async () => {
    const p = createFileSecretsProvider({ allowedRoots: [root], maxBytes: 4 });
    await expect(p.get('acme', 'tg', join(root, 'tg'))).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
