// The default secrets provider: envelope encryption at rest in <dataDir>/secrets.enc.json.
// Every value is encrypted (AES-256-GCM) with its own random 256-bit data key; the data key is
// stored wrapped (AES-256-GCM) by the 32-byte master key. Both ciphertexts are bound (AAD) to the
// org, namespace and name they were written for. The master key comes from the caller (env, file
// or OS keychain material resolved by the composition root) or from <dataDir>/secrets.key, created
// with mode 0600 on first use. Files written by earlier versions (values encrypted directly with
// the master key, format v1) are migrated to envelope encryption on first use.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SecretsError, type SecretScope, type SecretsProvider } from '../core/ports/secrets.ts';
import { dnsLabel } from '../core/resources.ts';

export interface LocalSecretStoreOptions {
  dataDir: string;
  /**
   * Master key material provided by the operator (the composition root resolves it from
   * CLAWPLANE_SECRETS_KEY, a key file or the OS keychain): 32 raw bytes, or 64 hex characters, or
   * base64/base64url of 32 bytes. When absent, <dataDir>/secrets.key is used and created on first use.
   */
  masterKey?: string | Uint8Array;
  /** Clock for `updatedAt` (default: the system clock). */
  now?: () => Date;
}

export interface LocalSecretMeta {
  updatedAt: string;
  version: number;
}

export interface LocalSecretEntry extends LocalSecretMeta {
  name: string;
  /** '' (org), 'gateway/NAME' or 'agent/NAME'. */
  scope: string;
}

export interface LocalSecretStore extends SecretsProvider {
  readonly kind: 'local';
  set(org: string, name: string, value: string, scope?: SecretScope): Promise<void>;
  delete(org: string, name: string, scope?: SecretScope): Promise<boolean>;
  /** Names with a value in the org namespace, sorted. */
  list(org: string): Promise<string[]>;
  /** Every value of the org in every namespace (metadata only). */
  entries(org: string): Promise<LocalSecretEntry[]>;
  /** Metadata only (no value): when the secret was last written and how many times. */
  describe(org: string, name: string, scope?: SecretScope): Promise<LocalSecretMeta | undefined>;
  /** Delete every value in one namespace (agent or gateway teardown); returns the names deleted. */
  purgeScope(org: string, scope: SecretScope): Promise<string[]>;
  /** Re-wrap every data key with a new master key (values are not re-encrypted). Returns how many. */
  rewrap(newMasterKey: string | Uint8Array): Promise<number>;
}

export const SECRETS_FILE = 'secrets.enc.json';
export const KEY_FILE = 'secrets.key';
const MAX_VALUE_BYTES = 64 * 1024;
const KEY_BYTES = 32;
const IV_BYTES = 12;

const sealed = z.object({ iv: z.base64(), tag: z.base64(), data: z.base64() }).strict();
type Sealed = z.infer<typeof sealed>;
/** Format v1 (before envelope encryption): the value sealed directly with the master key. */
const v1EntrySchema = sealed.extend({ updatedAt: z.string(), version: z.number().int().positive() }).strict();
const v1FileSchema = z.record(z.string(), z.record(z.string(), v1EntrySchema));
/** Format v2: the value sealed with its own data key (`dek`), which is sealed with the master key. */
const entrySchema = sealed.extend({ dek: sealed, updatedAt: z.string(), version: z.number().int().positive() }).strict();
type Entry = z.infer<typeof entrySchema>;
export const STORE_FORMAT = 'clawplane-secrets/v2';
const fileSchema = z
  .object({ format: z.literal(STORE_FORMAT), orgs: z.record(z.string(), z.record(z.string(), z.record(z.string(), entrySchema))) })
  .strict();
type SecretsFile = z.infer<typeof fileSchema>;

/** Decode operator key material to exactly 32 bytes, or throw `invalid-key-material`. */
export function parseMasterKey(material: string | Uint8Array): Buffer {
  let key: Buffer;
  if (typeof material === 'string') {
    const s = material.trim();
    if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
    else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    else throw new SecretsError('invalid-key-material', 'master key must be 64 hex characters or base64 of 32 bytes');
  } else {
    key = Buffer.from(material);
  }
  if (key.length !== KEY_BYTES) throw new SecretsError('invalid-key-material', `master key must be ${KEY_BYTES} bytes, got ${key.length}`);
  return key;
}

function checkName(what: string, value: string): void {
  if (!dnsLabel.safeParse(value).success) throw new SecretsError('invalid-input', `${what} must be a DNS-1123 label`);
}

/** Namespace key of a scope: '' (org), 'gateway/NAME' or 'agent/NAME' (agent names are unique per org). */
export function scopeKey(scope: SecretScope | undefined): string {
  if (scope?.agent) {
    checkName('agent', scope.agent);
    return `agent/${scope.agent}`;
  }
  if (scope?.gateway) {
    checkName('gateway', scope.gateway);
    return `gateway/${scope.gateway}`;
  }
  return '';
}

/** Additional authenticated data: a ciphertext only decrypts under the org, namespace and name it was written for. */
function aad(kind: 'value' | 'dek', org: string, scope: string, name: string): Buffer {
  return Buffer.from(`clawplane-secret:v2:${kind}:${org}:${scope}:${name}`, 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, ad: Buffer): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(ad);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function open_(key: Buffer, box: Sealed, ad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
  decipher.setAAD(ad);
  decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]);
}

/** Seal `value` under a fresh data key wrapped by `master`. */
function sealEntry(master: Buffer, org: string, scope: string, name: string, value: string, meta: { updatedAt: string; version: number }): Entry {
  const dek = randomBytes(KEY_BYTES);
  try {
    return { ...seal(dek, Buffer.from(value, 'utf8'), aad('value', org, scope, name)), dek: seal(master, dek, aad('dek', org, scope, name)), ...meta };
  } finally {
    dek.fill(0);
  }
}

function openEntry(master: Buffer, org: string, scope: string, name: string, entry: Entry): string {
  let dek: Buffer | undefined;
  try {
    dek = open_(master, entry.dek, aad('dek', org, scope, name));
    return open_(dek, entry, aad('value', org, scope, name)).toString('utf8');
  } catch (e) {
    throw new SecretsError('decrypt-failed', `cannot decrypt secret ${org}/${scope ? `${scope}/` : ''}${name}: wrong master key or tampered store`, { cause: e });
  } finally {
    dek?.fill(0);
  }
}

async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

async function loadOrCreateKeyFile(dataDir: string, holdsValues: () => Promise<boolean>): Promise<Buffer> {
  const path = join(dataDir, KEY_FILE);
  const exists = await stat(path).then(
    () => true,
    (e: unknown) => {
      if ((e as { code?: unknown }).code === 'ENOENT') return false;
      throw e;
    },
  );
  // A new key would make the existing values unreadable forever and mix keys in one file.
  if (!exists && (await holdsValues())) {
    throw new SecretsError('key-missing', `${path} is missing but ${SECRETS_FILE} holds encrypted values; restore the key file or pass the master key`);
  }
  try {
    const fh = await open(path, 'wx', 0o600);
    const key = randomBytes(KEY_BYTES);
    try {
      await fh.writeFile(key);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return key;
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
  }
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new SecretsError('insecure-key-file', `${path} is readable by group or others; run chmod 600 on it`);
  }
  const key = await readFile(path);
  if (key.length !== KEY_BYTES) throw new SecretsError('invalid-key-material', `${path} must hold exactly ${KEY_BYTES} bytes`);
  return key;
}

export function createLocalSecretStore(options: LocalSecretStoreOptions): LocalSecretStore {
  const { dataDir } = options;
  const now = options.now ?? (() => new Date());
  const filePath = join(dataDir, SECRETS_FILE);
  let given = options.masterKey === undefined ? undefined : parseMasterKey(options.masterKey);
  let keyPromise: Promise<Buffer> | undefined;
  let writeChain: Promise<unknown> = Promise.resolve();

  async function ensureDir(): Promise<void> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  }

  function masterKey(): Promise<Buffer> {
    if (given) return Promise.resolve(given);
    if (!keyPromise) {
      const holdsValues = async () => (await readRaw()) !== undefined;
      const loading = ensureDir().then(() => loadOrCreateKeyFile(dataDir, holdsValues));
      // A failed load is retried on the next call rather than cached.
      loading.catch(() => {
        if (keyPromise === loading) keyPromise = undefined;
      });
      keyPromise = loading;
    }
    return keyPromise;
  }

  /** The parsed file: v2, or v1 still to migrate; undefined when there is no file or it holds nothing. */
  async function readRaw(): Promise<{ v2: SecretsFile } | { v1: z.infer<typeof v1FileSchema> } | undefined> {
    let text: string;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return undefined;
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SecretsError('corrupt-store', `${filePath} is not valid JSON`);
    }
    const v2 = fileSchema.safeParse(json);
    if (v2.success) return Object.keys(v2.data.orgs).length > 0 ? { v2: v2.data } : undefined;
    const v1 = v1FileSchema.safeParse(json);
    if (v1.success) return Object.keys(v1.data).length > 0 ? { v1: v1.data } : undefined;
    throw new SecretsError('corrupt-store', `${filePath} has an unexpected shape`);
  }

  /** Format v1 → v2: decrypt each value with the master key, re-seal it under its own data key. */
  async function migrate(v1: z.infer<typeof v1FileSchema>): Promise<SecretsFile> {
    const key = await masterKey();
    const out: SecretsFile = { format: STORE_FORMAT, orgs: {} };
    for (const [org, entries] of Object.entries(v1)) {
      const scoped: Record<string, Entry> = {};
      for (const [name, e] of Object.entries(entries)) {
        let value: string;
        try {
          value = open_(key, e, Buffer.from(`clawplane-secret:v1:${org}:${name}`, 'utf8')).toString('utf8');
        } catch (err) {
          throw new SecretsError('decrypt-failed', `cannot migrate secret ${org}/${name}: wrong master key or tampered store`, { cause: err });
        }
        scoped[name] = sealEntry(key, org, '', name, value, { updatedAt: e.updatedAt, version: e.version });
      }
      out.orgs[org] = { '': scoped };
    }
    await persist(out);
    return out;
  }

  let migrated: Promise<void> | undefined;
  async function readStore(): Promise<SecretsFile> {
    const raw = await readRaw();
    if (!raw) return { format: STORE_FORMAT, orgs: {} };
    if ('v2' in raw) return raw.v2;
    // Migrate once, serialised with writes.
    migrated ??= exclusive(async () => {
      const again = await readRaw();
      if (again && 'v1' in again) await migrate(again.v1);
    }).finally(() => {
      migrated = undefined;
    });
    await migrated;
    return readStore();
  }

  function entryOf(store: SecretsFile, org: string, scope: string, name: string): Entry | undefined {
    const orgEntries = Object.hasOwn(store.orgs, org) ? store.orgs[org] : undefined;
    const scoped = orgEntries && Object.hasOwn(orgEntries, scope) ? orgEntries[scope] : undefined;
    return scoped && Object.hasOwn(scoped, name) ? scoped[name] : undefined;
  }

  /** Serialises read-modify-write cycles within this process. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = writeChain.then(fn);
    writeChain = run.catch(() => undefined);
    return run;
  }

  async function persist(store: SecretsFile): Promise<void> {
    await ensureDir();
    await writeFileAtomic(filePath, `${JSON.stringify(store, null, 2)}\n`);
    await chmod(filePath, 0o600);
  }

  function removeEntry(store: SecretsFile, org: string, scope: string, name: string): boolean {
    const scoped = store.orgs[org]?.[scope];
    if (!scoped || !Object.hasOwn(scoped, name)) return false;
    delete scoped[name];
    if (Object.keys(scoped).length === 0) delete store.orgs[org]![scope];
    if (Object.keys(store.orgs[org]!).length === 0) delete store.orgs[org];
    return true;
  }

  return {
    kind: 'local',

    async get(org, name, _key, opts) {
      checkName('org', org);
      checkName('secret name', name);
      const store = await readStore();
      for (const scope of [...(opts?.scopes ?? []).map(scopeKey), '']) {
        const entry = entryOf(store, org, scope, name);
        if (entry) return openEntry(await masterKey(), org, scope, name, entry);
      }
      return undefined;
    },

    async set(org, name, value, scope) {
      checkName('org', org);
      checkName('secret name', name);
      const sk = scopeKey(scope);
      if (typeof value !== 'string') throw new SecretsError('invalid-input', 'secret value must be a string');
      if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) throw new SecretsError('invalid-input', `secret value is larger than ${MAX_VALUE_BYTES} bytes`);
      await readStore();
      return exclusive(async () => {
        const key = await masterKey();
        const store = await readStore();
        const previous = entryOf(store, org, sk, name);
        const orgEntries = (store.orgs[org] ??= {});
        const scoped = (orgEntries[sk] ??= {});
        scoped[name] = sealEntry(key, org, sk, name, value, { updatedAt: now().toISOString(), version: (previous?.version ?? 0) + 1 });
        await persist(store);
      });
    },

    async delete(org, name, scope) {
      checkName('org', org);
      checkName('secret name', name);
      const sk = scopeKey(scope);
      await readStore();
      return exclusive(async () => {
        const store = await readStore();
        if (!removeEntry(store, org, sk, name)) return false;
        await persist(store);
        return true;
      });
    },

    async purgeScope(org, scope) {
      checkName('org', org);
      const sk = scopeKey(scope);
      if (sk === '') throw new SecretsError('invalid-input', 'purgeScope needs a gateway or agent scope');
      await readStore();
      return exclusive(async () => {
        const store = await readStore();
        const names = Object.keys(store.orgs[org]?.[sk] ?? {}).sort();
        if (names.length === 0) return [];
        for (const n of names) removeEntry(store, org, sk, n);
        await persist(store);
        return names;
      });
    },

    async list(org) {
      checkName('org', org);
      const store = await readStore();
      return Object.keys(store.orgs[org]?.[''] ?? {}).sort();
    },

    async entries(org) {
      checkName('org', org);
      const store = await readStore();
      const out: LocalSecretEntry[] = [];
      for (const [scope, scoped] of Object.entries(store.orgs[org] ?? {})) {
        for (const [name, e] of Object.entries(scoped)) out.push({ name, scope, updatedAt: e.updatedAt, version: e.version });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name) || a.scope.localeCompare(b.scope));
    },

    async describe(org, name, scope) {
      checkName('org', org);
      checkName('secret name', name);
      const entry = entryOf(await readStore(), org, scopeKey(scope), name);
      return entry ? { updatedAt: entry.updatedAt, version: entry.version } : undefined;
    },

    async rewrap(material) {
      const next = parseMasterKey(material);
      await readStore();
      return exclusive(async () => {
        const current = await masterKey();
        const store = await readStore();
        let n = 0;
        for (const [org, scopes] of Object.entries(store.orgs)) {
          for (const [scope, scoped] of Object.entries(scopes)) {
            for (const [name, e] of Object.entries(scoped)) {
              let dek: Buffer;
              try {
                dek = open_(current, e.dek, aad('dek', org, scope, name));
              } catch (err) {
                throw new SecretsError('decrypt-failed', `cannot unwrap the data key of ${org}/${scope ? `${scope}/` : ''}${name}`, { cause: err });
              }
              e.dek = seal(next, dek, aad('dek', org, scope, name));
              dek.fill(0);
              n++;
            }
          }
        }
        await persist(store);
        // Key-file mode: the new key replaces the file (operator-supplied keys are the operator's to change).
        if (options.masterKey === undefined) {
          await writeFileAtomic(join(dataDir, KEY_FILE), next);
          keyPromise = Promise.resolve(next);
        } else {
          given = next;
        }
        return n;
      });
    },
  };
}
