// Secrets read from HashiCorp Vault's KV version 2 engine over its HTTP API:
// GET {address}/v1/{mount}/data/{path}[?version=N] with X-Vault-Token (and X-Vault-Namespace for
// Vault Enterprise / HCP namespaces). spec.key = path below the mount, spec.field = field of the
// entry (optional when it has exactly one), spec.version = pinned version.
import { SecretsError, type SecretsProvider } from '../core/ports/secrets.ts';

export interface VaultInstanceConfig {
  /** e.g. https://vault.example.com:8200 */
  address: string;
  /** KV v2 mount path (default "secret"). */
  mount?: string;
  namespace?: string;
  /** The Vault token (resolved by the composition root from an env variable or a file). */
  token: () => Promise<string>;
  timeoutMs?: number;
}

export interface VaultSecretsProviderOptions {
  instances: Readonly<Record<string, VaultInstanceConfig>>;
  fetch?: typeof fetch;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkPath(what: string, path: string): string {
  const parts = path.split('/');
  if (parts.length > 16 || !parts.every((p) => SEGMENT.test(p))) {
    throw new SecretsError('invalid-reference', `${what} must be "/"-separated segments of letters, digits and ._- (no "..", no leading or trailing "/")`);
  }
  return parts.map(encodeURIComponent).join('/');
}

export function createVaultSecretsProvider(options: VaultSecretsProviderOptions): SecretsProvider {
  const doFetch = options.fetch ?? fetch;
  for (const [name, inst] of Object.entries(options.instances)) {
    let url: URL;
    try {
      url = new URL(inst.address);
    } catch {
      throw new SecretsError('invalid-input', `vault provider ${name}: address is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SecretsError('invalid-input', `vault provider ${name}: address must be http(s)`);
  }
  return {
    kind: 'vault',
    async get(_org, name, key, opts) {
      const source = opts?.source ?? 'default';
      const inst = Object.hasOwn(options.instances, source) ? options.instances[source] : undefined;
      if (!inst) throw new SecretsError('unknown-source', `secret ${name}: vault provider "${source}" is not configured on this control plane`);
      if (!key) throw new SecretsError('invalid-reference', `secret ${name}: a vault secret needs spec.key (the KV path)`);
      const path = checkPath(`secret ${name}: spec.key`, key);
      const mount = checkPath('vault mount', inst.mount ?? 'secret');
      const url = `${inst.address.replace(/\/+$/, '')}/v1/${mount}/data/${path}${opts?.version ? `?version=${opts.version}` : ''}`;
      const token = await inst.token();
      let res: Response;
      try {
        res = await doFetch(url, {
          headers: { 'x-vault-token': token, ...(inst.namespace ? { 'x-vault-namespace': inst.namespace } : {}), accept: 'application/json' },
          signal: AbortSignal.timeout(inst.timeoutMs ?? 10_000),
          redirect: 'error',
        });
      } catch (e) {
        const why = e instanceof Error ? (e.name === 'TimeoutError' ? 'timeout' : ((e.cause as { code?: string } | undefined)?.code ?? e.name)) : 'error';
        throw new SecretsError('provider-failed', `secret ${name}: vault "${source}" unreachable (${why})`);
      }
      const body = (await res.json().catch(() => undefined)) as { data?: { data?: unknown; metadata?: { deletion_time?: string; destroyed?: boolean } } } | undefined;
      if (res.status === 404) return undefined;
      if (res.status === 403 || res.status === 401) throw new SecretsError('forbidden', `secret ${name}: vault "${source}" denied reading ${key} (check the token and its policy)`);
      if (!res.ok) throw new SecretsError('provider-failed', `secret ${name}: vault "${source}" answered ${res.status}`);
      const meta = body?.data?.metadata;
      if (meta?.destroyed || (meta?.deletion_time ?? '') !== '') return undefined;
      const data = body?.data?.data;
      if (!data || typeof data !== 'object') return undefined;
      const fields = Object.keys(data);
      const field = opts?.field ?? (fields.length === 1 ? fields[0] : undefined);
      if (!field) throw new SecretsError('invalid-reference', `secret ${name}: ${key} has ${fields.length} fields; set spec.field`);
      const v = (data as Record<string, unknown>)[field];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') throw new SecretsError('invalid-reference', `secret ${name}: field ${field} of ${key} is not a string`);
      return v;
    },
  };
}
