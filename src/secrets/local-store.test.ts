import { mkdtemp, readFile, rm, stat, writeFile, chmod, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretsError } from '../core/ports/secrets.ts';
import { scanForSecret } from '../../test/helpers/leak-scan.ts';
import { createCipheriv, randomBytes } from 'node:crypto';
import { createLocalSecretStore, KEY_FILE, parseMasterKey, SECRETS_FILE, STORE_FORMAT } from './local-store.ts';

interface Box { iv: string; tag: string; data: string }
type V2File = { format: string; orgs: Record<string, Record<string, Record<string, Box & { dek: Box; version: number }>>> };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fixedNow = () => new Date('2026-12-04T12:00:00.000Z');

describe('createLocalSecretStore', () => {
  it('round-trips values per org and name, and lists names only', async () => {
    const store = createLocalSecretStore({ dataDir: dir, now: fixedNow });
    await store.set('acme', 'tg-token', '123456:AAbbCCdd-telegram');
    await store.set('acme', 'api-key', 'sk-live-1');
    await store.set('other', 'tg-token', 'different');
    expect(await store.get('acme', 'tg-token')).toBe('123456:AAbbCCdd-telegram');
    expect(await store.get('other', 'tg-token')).toBe('different');
    expect(await store.get('acme', 'nope')).toBeUndefined();
    expect(await store.get('nobody', 'tg-token')).toBeUndefined();
    expect(await store.list('acme')).toEqual(['api-key', 'tg-token']);
    expect(await store.list('nobody')).toEqual([]);
    expect(await store.describe('acme', 'tg-token')).toEqual({ updatedAt: '2026-12-04T12:00:00.000Z', version: 1 });
  });

  it('bumps version on overwrite, deletes, and survives a new instance', async () => {
    const a = createLocalSecretStore({ dataDir: dir });
    await a.set('acme', 's', 'one');
    await a.set('acme', 's', 'two');
    expect((await a.describe('acme', 's'))?.version).toBe(2);
    const b = createLocalSecretStore({ dataDir: dir });
    expect(await b.get('acme', 's')).toBe('two');
    expect(await b.delete('acme', 's')).toBe(true);
    expect(await b.delete('acme', 's')).toBe(false);
    expect(await a.get('acme', 's')).toBeUndefined();
    const file = JSON.parse(await readFile(join(dir, SECRETS_FILE), 'utf8')) as Record<string, unknown>;
    expect(file).toEqual({ format: STORE_FORMAT, orgs: {} });
  });

  it('creates the key file (32 bytes) and the store file with mode 0600, and writes the documented shape', async () => {
    const store = createLocalSecretStore({ dataDir: join(dir, 'nested', 'data') });
    await store.set('acme', 'tok', 'value-1');
    const data = join(dir, 'nested', 'data');
    const key = await stat(join(data, KEY_FILE));
    expect(key.mode & 0o777).toBe(0o600);
    expect(key.size).toBe(32);
    expect((await stat(join(data, SECRETS_FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(data)).mode & 0o777).toBe(0o700);
    const file = JSON.parse(await readFile(join(data, SECRETS_FILE), 'utf8')) as V2File;
    expect(file.format).toBe(STORE_FORMAT);
    const entry = file.orgs.acme?.['']?.tok;
    expect(Object.keys(entry ?? {}).sort()).toEqual(['data', 'dek', 'iv', 'tag', 'updatedAt', 'version']);
    expect(Buffer.from(String(entry?.iv), 'base64')).toHaveLength(12);
    // envelope: the data key is stored wrapped (32 bytes of ciphertext + its own IV and tag)
    expect(Buffer.from(String(entry?.dek.data), 'base64')).toHaveLength(32);
    expect(Buffer.from(String(entry?.dek.iv), 'base64')).toHaveLength(12);
    // no temp files left behind by the atomic write
    expect((await readdir(data)).sort()).toEqual([SECRETS_FILE, KEY_FILE].sort());
  });

  it('uses a fresh IV per value: equal values give different ciphertexts', async () => {
    const store = createLocalSecretStore({ dataDir: dir });
    await store.set('acme', 'a', 'same-value');
    await store.set('acme', 'b', 'same-value');
    const file = JSON.parse(await readFile(join(dir, SECRETS_FILE), 'utf8')) as V2File;
    const org = file.orgs.acme?.[''];
    expect(org?.a?.iv).toBeDefined();
    expect(org?.a?.iv).not.toBe(org?.b?.iv);
    expect(org?.a?.data).not.toBe(org?.b?.data);
    // and a fresh data key per value
    expect(org?.a?.dek.data).not.toBe(org?.b?.dek.data);
  });

  it('never stores the value bytes in any file under dataDir (raw, base64, hex)', async () => {
    const secret = 'xoxb-1234567890-SUPER-SECRET-slack-token/+=';
    const store = createLocalSecretStore({ dataDir: dir });
    await store.set('acme', 'slack', secret);
    await store.set('acme', 'slack', secret); // overwrite too
    await store.set('acme', 'other', 'unrelated');
    expect(await store.get('acme', 'slack')).toBe(secret);
    expect(await scanForSecret([dir], secret)).toEqual([]);
    // the scanner does see it when it is there: sanity check on the proof
    await writeFile(join(dir, 'leak.txt'), Buffer.from(secret).toString('base64'));
    expect(await scanForSecret([dir], secret)).toEqual([join(dir, 'leak.txt')]);
  });

  it('uses caller-provided key material and writes no key file', async () => {
    const material = Buffer.alloc(32, 7).toString('base64');
    const a = createLocalSecretStore({ dataDir: dir, masterKey: material });
    await a.set('acme', 's', 'v');
    await expect(stat(join(dir, KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    const sameKeyHex = createLocalSecretStore({ dataDir: dir, masterKey: Buffer.alloc(32, 7).toString('hex') });
    expect(await sameKeyHex.get('acme', 's')).toBe('v');
    const wrong = createLocalSecretStore({ dataDir: dir, masterKey: Buffer.alloc(32, 8) });
    await expect(wrong.get('acme', 's')).rejects.toMatchObject({ code: 'decrypt-failed' });
  });

  it('detects tampering and ciphertexts moved to another name', async () => {
    const store = createLocalSecretStore({ dataDir: dir });
    await store.set('acme', 'a', 'value-a');
    await store.set('acme', 'b', 'value-b');
    const path = join(dir, SECRETS_FILE);
    const file = JSON.parse(await readFile(path, 'utf8')) as V2File;
    const acme = file.orgs.acme?.[''] ?? {};
    acme.b = acme.a!; // swap ciphertext of a into b
    await writeFile(path, JSON.stringify(file));
    await expect(store.get('acme', 'b')).rejects.toBeInstanceOf(SecretsError);
    expect(await store.get('acme', 'a')).toBe('value-a');
  });

  it('rejects bad names, oversize values, corrupt files and a group-readable key file', async () => {
    const store = createLocalSecretStore({ dataDir: dir });
    await expect(store.set('acme', '../x', 'v')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(store.get('__proto__', 'x')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(store.set('acme', 'big', 'x'.repeat(64 * 1024 + 1))).rejects.toMatchObject({ code: 'invalid-input' });
    await store.set('acme', 'ok', 'v');
    await chmod(join(dir, KEY_FILE), 0o644);
    const fresh = createLocalSecretStore({ dataDir: dir });
    await expect(fresh.get('acme', 'ok')).rejects.toMatchObject({ code: 'insecure-key-file' });
    await writeFile(join(dir, SECRETS_FILE), '{not json');
    await expect(store.list('acme')).rejects.toMatchObject({ code: 'corrupt-store' });
    await writeFile(join(dir, SECRETS_FILE), JSON.stringify({ acme: { ok: { iv: 1 } } }));
    await expect(store.list('acme')).rejects.toMatchObject({ code: 'corrupt-store' });
  });

  it('refuses to mint a new key when the key file is lost but values exist', async () => {
    const a = createLocalSecretStore({ dataDir: dir });
    await a.set('acme', 's', 'v');
    await rm(join(dir, KEY_FILE));
    const b = createLocalSecretStore({ dataDir: dir });
    await expect(b.get('acme', 's')).rejects.toMatchObject({ code: 'key-missing' });
    await expect(b.set('acme', 't', 'w')).rejects.toMatchObject({ code: 'key-missing' });
    await expect(stat(join(dir, KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('serialises concurrent writes without losing any', async () => {
    const store = createLocalSecretStore({ dataDir: dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set('acme', `s-${i}`, `value-${i}`)));
    expect(await store.list('acme')).toHaveLength(20);
    expect(await store.get('acme', 's-13')).toBe('value-13');
  });
});

describe('parseMasterKey', () => {
  it('accepts 32 bytes as raw, hex, base64 and base64url', () => {
    const raw = Buffer.from(Array.from({ length: 32 }, (_, i) => 250 - i));
    expect(parseMasterKey(raw).equals(raw)).toBe(true);
    expect(parseMasterKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(parseMasterKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseMasterKey(`${raw.toString('base64url')}\n`).equals(raw)).toBe(true);
  });
  it('rejects other lengths and garbage without echoing the material', () => {
    expect(() => parseMasterKey(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => parseMasterKey('c2hvcnQ=')).toThrow(SecretsError);
    let message = '';
    try {
      parseMasterKey('not a key!! hunter2');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/master key/);
    expect(message).not.toContain('hunter2');
  });
});

describe('envelope encryption, namespaces, migration', () => {
  it('migrates a v1 store (values sealed directly with the master key) to per-secret data keys', async () => {
    const key = randomBytes(32);
    const sealV1 = (org: string, name: string, value: string) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(`clawplane-secret:v1:${org}:${name}`, 'utf8'));
      const data = Buffer.concat([c.update(value, 'utf8'), c.final()]);
      return { iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64'), updatedAt: '2026-01-01T00:00:00.000Z', version: 3 };
    };
    await writeFile(join(dir, SECRETS_FILE), JSON.stringify({ acme: { tg: sealV1('acme', 'tg', 'old-format-value'), api: sealV1('acme', 'api', 'second') } }), { mode: 0o600 });
    const store = createLocalSecretStore({ dataDir: dir, masterKey: key });
    expect(await store.get('acme', 'tg')).toBe('old-format-value');
    expect(await store.describe('acme', 'tg')).toEqual({ updatedAt: '2026-01-01T00:00:00.000Z', version: 3 });
    const file = JSON.parse(await readFile(join(dir, SECRETS_FILE), 'utf8')) as V2File;
    expect(file.format).toBe(STORE_FORMAT);
    expect(Object.keys(file.orgs.acme?.[''] ?? {}).sort()).toEqual(['api', 'tg']);
    expect(file.orgs.acme?.['']?.tg?.dek).toBeDefined();
    expect(await scanForSecret([dir], 'old-format-value')).toEqual([]);
    expect(await createLocalSecretStore({ dataDir: dir, masterKey: key }).get('acme', 'api')).toBe('second');
  });

  it('resolves agent → gateway → org namespaces and purges one namespace without residue', async () => {
    const store = createLocalSecretStore({ dataDir: dir });
    await store.set('acme', 'tg', 'org-value');
    await store.set('acme', 'tg', 'gw-value', { gateway: 'gw1' });
    await store.set('acme', 'tg', 'agent-value', { agent: 'helper' });
    await store.set('acme', 'only-agent', 'agent-only-secret-value', { agent: 'helper' });
    const chain = (agent?: string) => ({ scopes: [...(agent ? [{ agent }] : []), { gateway: 'gw1' }] });
    expect(await store.get('acme', 'tg', undefined, chain('helper'))).toBe('agent-value');
    expect(await store.get('acme', 'tg', undefined, chain('other'))).toBe('gw-value');
    expect(await store.get('acme', 'tg', undefined, { scopes: [{ gateway: 'gw2' }] })).toBe('org-value');
    expect(await store.get('acme', 'only-agent', undefined, chain())).toBeUndefined();
    expect(await store.list('acme')).toEqual(['tg']);
    expect((await store.entries('acme')).map((e) => `${e.scope}:${e.name}`)).toEqual(['agent/helper:only-agent', ':tg', 'agent/helper:tg', 'gateway/gw1:tg']);
    expect(await store.purgeScope('acme', { agent: 'helper' })).toEqual(['only-agent', 'tg']);
    expect(await store.purgeScope('acme', { gateway: 'gw1' })).toEqual(['tg']);
    expect((await store.entries('acme')).map((e) => `${e.scope}:${e.name}`)).toEqual([':tg']);
    for (const v of ['agent-value', 'gw-value', 'agent-only-secret-value']) expect(await scanForSecret([dir], v)).toEqual([]);
    await expect(store.purgeScope('acme', {})).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('a ciphertext moved to another namespace does not decrypt', async () => {
    const store = createLocalSecretStore({ dataDir: dir });
    await store.set('acme', 'tg', 'gw-only', { gateway: 'gw1' });
    const path = join(dir, SECRETS_FILE);
    const file = JSON.parse(await readFile(path, 'utf8')) as V2File;
    file.orgs.acme![''] = { tg: file.orgs.acme!['gateway/gw1']!.tg! };
    await writeFile(path, JSON.stringify(file));
    await expect(store.get('acme', 'tg')).rejects.toMatchObject({ code: 'decrypt-failed' });
  });

  it('rewraps every data key under a new master key', async () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const store = createLocalSecretStore({ dataDir: dir, masterKey: k1 });
    await store.set('acme', 'a', 'value-a');
    await store.set('acme', 'b', 'value-b', { gateway: 'gw1' });
    const before = JSON.parse(await readFile(join(dir, SECRETS_FILE), 'utf8')) as V2File;
    expect(await store.rewrap(k2)).toBe(2);
    const after = JSON.parse(await readFile(join(dir, SECRETS_FILE), 'utf8')) as V2File;
    // values untouched, data keys re-wrapped
    expect(after.orgs.acme?.['']?.a?.data).toBe(before.orgs.acme?.['']?.a?.data);
    expect(after.orgs.acme?.['']?.a?.dek.data).not.toBe(before.orgs.acme?.['']?.a?.dek.data);
    expect(await createLocalSecretStore({ dataDir: dir, masterKey: k2 }).get('acme', 'b', undefined, { scopes: [{ gateway: 'gw1' }] })).toBe('value-b');
    await expect(createLocalSecretStore({ dataDir: dir, masterKey: k1 }).get('acme', 'a')).rejects.toMatchObject({ code: 'decrypt-failed' });
  });
});
