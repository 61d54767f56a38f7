import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMasterKeyMaterial } from './master-key.ts';
import { createLocalSecretStore } from './local-store.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-mk-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('loadMasterKeyMaterial', () => {
  it('uses the data-dir key file when nothing is set, env material when given', async () => {
    expect(await loadMasterKeyMaterial({})).toEqual({ source: 'data-dir' });
    expect(await loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY: 'ab'.repeat(32) })).toEqual({ source: 'env', material: 'ab'.repeat(32) });
  });

  it('reads a 0600 key file (raw or text) and refuses a group-readable one', async () => {
    const raw = randomBytes(32);
    const file = join(dir, 'raw.key');
    await writeFile(file, raw, { mode: 0o600 });
    const got = await loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY_FILE: file });
    expect(got.source).toBe('file');
    const store = createLocalSecretStore({ dataDir: join(dir, 'd1'), masterKey: got.material! });
    await store.set('acme', 's', 'v');
    expect(await createLocalSecretStore({ dataDir: join(dir, 'd1'), masterKey: raw }).get('acme', 's')).toBe('v');
    const text = join(dir, 'text.key');
    await writeFile(text, `${raw.toString('hex')}\n`, { mode: 0o600 });
    expect((await loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY_FILE: text })).material).toBe(raw.toString('hex'));
    await chmod(text, 0o640);
    await expect(loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY_FILE: text })).rejects.toMatchObject({ code: 'insecure-key-file' });
    await expect(loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY_FILE: 'relative.key' })).rejects.toMatchObject({ code: 'invalid-key-material' });
    await expect(loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY_FILE: join(dir, 'nope') })).rejects.toMatchObject({ code: 'key-missing' });
  });

  it('reads the OS keychain through security, and refuses two sources at once', async () => {
    const run = (_c: string, args: readonly string[]) => Promise.resolve(args.includes('cp-master') ? { code: 0, stdout: `${'cd'.repeat(32)}\n` } : { code: 44, stdout: '' });
    expect(await loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY_KEYCHAIN: 'cp-master/main' }, { run })).toEqual({ source: 'keychain', material: 'cd'.repeat(32) });
    await expect(loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY_KEYCHAIN: 'absent' }, { run })).rejects.toMatchObject({ code: 'key-missing' });
    await expect(loadMasterKeyMaterial({ CLAWPLANE_SECRETS_KEY: 'x', CLAWPLANE_SECRETS_KEY_FILE: '/x' })).rejects.toMatchObject({ code: 'invalid-key-material' });
  });
});
