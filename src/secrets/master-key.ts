// Where the local store's master key comes from: the environment (CLAWPLANE_SECRETS_KEY), a key
// file (CLAWPLANE_SECRETS_KEY_FILE, mode 0600) or the OS keychain (CLAWPLANE_SECRETS_KEY_KEYCHAIN=
// service[/account], macOS `security`). At most one may be set; none = <dataDir>/secrets.key.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { SecretsError } from '../core/ports/secrets.ts';
import { type KeychainOptions, readKeychainPassword } from './keychain-provider.ts';

export type MasterKeySource = 'env' | 'file' | 'keychain' | 'data-dir';

export const MASTER_KEY_ENV = 'CLAWPLANE_SECRETS_KEY';
export const MASTER_KEY_FILE_ENV = 'CLAWPLANE_SECRETS_KEY_FILE';
export const MASTER_KEY_KEYCHAIN_ENV = 'CLAWPLANE_SECRETS_KEY_KEYCHAIN';

/** Key material (validated later by the store) and where it came from; `material` undefined = data-dir key file. */
export async function loadMasterKeyMaterial(env: Readonly<Record<string, string | undefined>>, keychain: KeychainOptions = {}): Promise<{ source: MasterKeySource; material?: string | Uint8Array }> {
  const set = [MASTER_KEY_ENV, MASTER_KEY_FILE_ENV, MASTER_KEY_KEYCHAIN_ENV].filter((k) => env[k]);
  if (set.length > 1) throw new SecretsError('invalid-key-material', `set only one of ${set.join(', ')}`);
  const inline = env[MASTER_KEY_ENV];
  if (inline) return { source: 'env', material: inline };
  const file = env[MASTER_KEY_FILE_ENV];
  if (file) {
    if (!isAbsolute(file)) throw new SecretsError('invalid-key-material', `${MASTER_KEY_FILE_ENV} must be an absolute path`);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new SecretsError('key-missing', `${MASTER_KEY_FILE_ENV}: ${file} is not a readable file`);
    if ((info.mode & 0o077) !== 0) throw new SecretsError('insecure-key-file', `${file} is readable by group or others; run chmod 600 on it`);
    const raw = await readFile(file);
    // 32 raw bytes, or text (hex / base64) with an optional trailing newline.
    return { source: 'file', material: raw.length === 32 ? raw : raw.toString('utf8').trim() };
  }
  const kc = env[MASTER_KEY_KEYCHAIN_ENV];
  if (kc) {
    const [service = '', account] = kc.split('/', 2);
    const value = await readKeychainPassword(service, account, keychain);
    if (!value) throw new SecretsError('key-missing', `no keychain item for service ${service}${account ? ` account ${account}` : ''}`);
    return { source: 'keychain', material: value };
  }
  return { source: 'data-dir' };
}
