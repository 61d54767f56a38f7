// Resolves secret values by name from the Secret resources of an org through the configured providers.
import { issue, type Issue } from '../core/issues.ts';
import {
  isSecretsError,
  type SecretDefinition,
  type SecretProviderKind,
  type SecretResolution,
  type SecretResolver,
  type SecretRefOptions,
  type SecretScope,
  type SecretsProvider,
} from '../core/ports/secrets.ts';

/** Replace `{gateway}` / `{agent}` in an external key by the consumer's names; undefined when a name is missing. */
export function expandKey(key: string, scope: SecretScope | undefined): string | undefined {
  let missing = false;
  const out = key.replace(/\{(gateway|agent)\}/g, (_m, which: 'gateway' | 'agent') => {
    const v = scope?.[which];
    if (!v) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

/** The local namespaces to try for a consumer, most specific first (the org's is always last). */
export function scopeChain(scope: SecretScope | undefined): SecretScope[] {
  const chain: SecretScope[] = [];
  if (scope?.agent) chain.push({ agent: scope.agent });
  if (scope?.gateway) chain.push({ gateway: scope.gateway });
  return chain;
}

export interface SecretResolverOptions {
  /** At most one provider per kind. */
  providers: readonly SecretsProvider[];
}

export function createSecretResolver(options: SecretResolverOptions): SecretResolver {
  const byKind = new Map<SecretProviderKind, SecretsProvider>();
  for (const p of options.providers) {
    if (byKind.has(p.kind)) throw new Error(`two secrets providers of kind ${p.kind}`);
    byKind.set(p.kind, p);
  }

  async function resolve(org: string, name: string, secrets: readonly SecretDefinition[], scope?: SecretScope): Promise<SecretResolution> {
    const resource = `Secret/${name}`;
    const def = secrets.find((s) => s.metadata.name === name && (s.metadata.org === undefined || s.metadata.org === org));
    if (!def) {
      return { issues: [issue('secret.undefined', 'metadata.name', `secret ${name} is not defined in org ${org}`, { resource, hint: `create a Secret named ${name}` })] };
    }
    const kind = def.spec.provider;
    const provider = byKind.get(kind);
    if (!provider) {
      return { issues: [issue('secret.provider-unavailable', 'spec.provider', `secrets provider ${kind} is not enabled on this control plane`, { resource })] };
    }
    if (kind !== 'local' && !def.spec.key) {
      return { issues: [issue('secret.key-missing', 'spec.key', `a ${kind} secret needs spec.key`, { resource })] };
    }
    const key = kind === 'local' || !def.spec.key ? undefined : expandKey(def.spec.key, scope);
    if (kind !== 'local' && key === undefined) {
      return { issues: [issue('secret.scope-missing', 'spec.key', `spec.key of ${name} names {agent} or {gateway}, but it is used outside such a scope`, { resource })] };
    }
    const { source, field, version } = def.spec;
    const options: SecretRefOptions = { ...(source ? { source } : {}), ...(field ? { field } : {}), ...(version ? { version } : {}), ...(kind === 'local' ? { scopes: scopeChain(scope) } : {}) };
    let value: string | undefined;
    try {
      value = await provider.get(org, name, key, options);
    } catch (e) {
      // Provider errors never carry values; unknown errors are reduced to their class and code.
      const message = isSecretsError(e) ? e.message : `provider ${kind} failed: ${describe(e)}`;
      const code = isSecretsError(e) ? `secret.${e.code}` : 'secret.provider-error';
      return { issues: [issue(code, 'spec', message, { resource })] };
    }
    if (value === undefined || value === '') {
      const hint = kind === 'local' ? `set its value: clawplane secret set ${name}` : kind === 'env' ? `set ${def.spec.key ?? ''} in the control plane environment` : `create ${def.spec.key ?? ''}`;
      return { issues: [issue('secret.value-missing', 'spec', `secret ${name} has no value in provider ${kind}`, { resource, hint })] };
    }
    return { value, issues: [] };
  }

  return {
    resolve,
    async resolveAll(org, names, secrets, scope) {
      const values = new Map<string, string>();
      const issues: Issue[] = [];
      for (const name of [...new Set(names)]) {
        const r = await resolve(org, name, secrets, scope);
        if (r.value !== undefined) values.set(name, r.value);
        issues.push(...r.issues);
      }
      return { values, issues };
    },
  };
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${e.name} ${code}` : e.name;
  }
  return 'unknown error';
}
