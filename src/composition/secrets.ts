// Wires the secrets providers: the local store (master key from env, file or OS keychain), env,
// file, and — from the operator's provider config (CLAWPLANE_SECRETS_PROVIDERS) — exec commands,
// Vault instances and the macOS Keychain.
import { readFile, stat } from 'node:fs/promises';
import type { SecretsProvider } from '../core/ports/secrets.ts';
import { SecretsError } from '../core/ports/secrets.ts';
import { createEnvSecretsProvider } from '../secrets/env-provider.ts';
import { createExecSecretsProvider } from '../secrets/exec-provider.ts';
import { createFileSecretsProvider } from '../secrets/file-provider.ts';
import { createKeychainSecretsProvider } from '../secrets/keychain-provider.ts';
import { type LocalSecretStore, createLocalSecretStore } from '../secrets/local-store.ts';
import { loadMasterKeyMaterial } from '../secrets/master-key.ts';
import { parseProviderConfig } from '../secrets/provider-config.ts';
import { createVaultSecretsProvider } from '../secrets/vault-provider.ts';

export const PROVIDERS_ENV = 'CLAWPLANE_SECRETS_PROVIDERS';

export async function createLocalStoreFromEnv(dataDir: string, env: NodeJS.ProcessEnv): Promise<LocalSecretStore> {
  const key = await loadMasterKeyMaterial(env);
  return createLocalSecretStore({ dataDir, ...(key.material !== undefined ? { masterKey: key.material } : {}) });
}

async function readTokenFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new SecretsError('provider-failed', `vault token file ${path} is not readable`);
  if ((info.mode & 0o077) !== 0) throw new SecretsError('insecure-key-file', `${path} is readable by group or others; run chmod 600 on it`);
  return (await readFile(path, 'utf8')).trim();
}

/** Every provider this control plane offers; external ones only as the operator configured them. */
export async function createSecretsProviders(opts: { dataDir: string; env: NodeJS.ProcessEnv; local: LocalSecretStore }): Promise<SecretsProvider[]> {
  const { env } = opts;
  const providers: SecretsProvider[] = [
    opts.local,
    createEnvSecretsProvider({ env }),
    createFileSecretsProvider({ allowedRoots: [`${opts.dataDir}/secret-files/{org}`, '/run/secrets/{org}'] }),
  ];
  const path = env[PROVIDERS_ENV];
  if (!path) return providers;
  const config = parseProviderConfig(await readFile(path, 'utf8'), path);
  if (config.exec && Object.keys(config.exec).length > 0) providers.push(createExecSecretsProvider({ commands: config.exec }));
  if (config.vault && Object.keys(config.vault).length > 0) {
    const instances = Object.fromEntries(Object.entries(config.vault).map(([name, v]) => [name, {
      address: v.address, ...(v.mount ? { mount: v.mount } : {}), ...(v.namespace ? { namespace: v.namespace } : {}), ...(v.timeoutMs ? { timeoutMs: v.timeoutMs } : {}),
      token: async () => {
        const t = v.tokenEnv ? env[v.tokenEnv] : await readTokenFile(v.tokenFile ?? '');
        if (!t) throw new SecretsError('provider-failed', `vault provider ${name}: no token (${v.tokenEnv ? `${v.tokenEnv} is empty` : 'empty token file'})`);
        return t;
      },
    }]));
    providers.push(createVaultSecretsProvider({ instances }));
  }
  if (config.keychain?.enabled) providers.push(createKeychainSecretsProvider());
  return providers;
}
