// The default secrets provider: values encrypted at rest with AES-256-GCM in <dataDir>/secrets.enc.json.
// The 32-byte master key comes from the caller (env key material passed in by main.ts) or from
// <dataDir>/secrets.key, created with mode 0600 on first use.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SecretsError, type SecretsProvider } from '../core/ports/secrets.ts';
import { dnsLabel } from '../core/resources.ts';

export interface LocalSecretStoreOptions {
  dataDir: string;
  /**
   * Master key material provided by the operator (e.g. the composition root reads
   * CLAWPLANE_SECRETS_KEY): 32 raw bytes, or 64 hex characters, or base64/base64url of 32 bytes.
   * When absent, <dataDir>/secrets.key is used and created on first use.
   */
  masterKey?: string | Uint8Array;
  /** Clock for `updatedAt` (default: the system clock). */
  now?: () => Date;
}

export interface LocalSecretStore extends SecretsProvider {
  readonly kind: 'local';
  set(org: string, name: string, value: string): Promise<void>;
  delete(org: string, name: string): Promise<boolean>;
  list(org: string): Promise<string[]>;
  /** Metadata only (no value): when the secret was last written and how many times. */
  describe(org: string, name: string): Promise<{ updatedAt: string; version: number } | undefined>;
}

export const SECRETS_FILE = 'secrets.enc.json';
export const KEY_FILE = 'secrets.key';
const MAX_VALUE_BYTES = 64 * 1024;
const KEY_BYTES = 32;
const IV_BYTES = 12;

const entrySchema = z
  .object({
    iv: z.base64(),
    tag: z.base64(),
    data: z.base64(),
    updatedAt: z.string(),
    version: z.number().int().positive(),
  })
  .strict();
type Entry = z.infer<typeof entrySchema>;
const fileSchema = z.record(z.string(), z.record(z.string(), entrySchema));
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

/** Additional authenticated data: a ciphertext only decrypts under the org and name it was written for. */
function aad(org: string, name: string): Buffer {
  return Buffer.from(`clawplane-secret:v1:${org}:${name}`, 'utf8');
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
  const given = options.masterKey === undefined ? undefined : parseMasterKey(options.masterKey);
  let keyPromise: Promise<Buffer> | undefined;
  let writeChain: Promise<unknown> = Promise.resolve();

  async function ensureDir(): Promise<void> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  }

  function masterKey(): Promise<Buffer> {
    if (given) return Promise.resolve(given);
    if (!keyPromise) {
      const holdsValues = async () => Object.keys(await readStore()).length > 0;
      const loading = ensureDir().then(() => loadOrCreateKeyFile(dataDir, holdsValues));
      // A failed load is retried on the next call rather than cached.
      loading.catch(() => {
        if (keyPromise === loading) keyPromise = undefined;
      });
      keyPromise = loading;
    }
    return keyPromise;
  }

  async function readStore(): Promise<SecretsFile> {
    let text: string;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return {};
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SecretsError('corrupt-store', `${filePath} is not valid JSON`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw new SecretsError('corrupt-store', `${filePath} has an unexpected shape`);
    return parsed.data;
  }

  function entryOf(store: SecretsFile, org: string, name: string): Entry | undefined {
    const orgEntries = Object.hasOwn(store, org) ? store[org] : undefined;
    return orgEntries && Object.hasOwn(orgEntries, name) ? orgEntries[name] : undefined;
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

  return {
    kind: 'local',

    async get(org, name) {
      checkName('org', org);
      checkName('secret name', name);
      const entry = entryOf(await readStore(), org, name);
      if (!entry) return undefined;
      const key = await masterKey();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(entry.iv, 'base64'));
        decipher.setAAD(aad(org, name));
        decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]).toString('utf8');
      } catch (e) {
        throw new SecretsError('decrypt-failed', `cannot decrypt secret ${org}/${name}: wrong master key or tampered store`, { cause: e });
      }
    },

    async set(org, name, value) {
      checkName('org', org);
      checkName('secret name', name);
      if (typeof value !== 'string') throw new SecretsError('invalid-input', 'secret value must be a string');
      if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) throw new SecretsError('invalid-input', `secret value is larger than ${MAX_VALUE_BYTES} bytes`);
      return exclusive(async () => {
        const key = await masterKey();
        const store = await readStore();
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        cipher.setAAD(aad(org, name));
        const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
        const previous = entryOf(store, org, name);
        const orgEntries = Object.hasOwn(store, org) ? (store[org] ?? {}) : {};
        orgEntries[name] = {
          iv: iv.toString('base64'),
          tag: cipher.getAuthTag().toString('base64'),
          data: data.toString('base64'),
          updatedAt: now().toISOString(),
          version: (previous?.version ?? 0) + 1,
        };
        store[org] = orgEntries;
        await persist(store);
      });
    },

    async delete(org, name) {
      checkName('org', org);
      checkName('secret name', name);
      return exclusive(async () => {
        const store = await readStore();
        const orgEntries = Object.hasOwn(store, org) ? store[org] : undefined;
        if (!orgEntries || !Object.hasOwn(orgEntries, name)) return false;
        delete orgEntries[name];
        if (Object.keys(orgEntries).length === 0) delete store[org];
        await persist(store);
        return true;
      });
    },

    async list(org) {
      checkName('org', org);
      const store = await readStore();
      const orgEntries = Object.hasOwn(store, org) ? store[org] : undefined;
      return orgEntries ? Object.keys(orgEntries).sort() : [];
    },

    async describe(org, name) {
      checkName('org', org);
      checkName('secret name', name);
      const entry = entryOf(await readStore(), org, name);
      return entry ? { updatedAt: entry.updatedAt, version: entry.version } : undefined;
    },
  };
}
