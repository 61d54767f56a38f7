// Secrets read from an environment object handed in by the composition root (never process.env here).
import { SecretsError, type SecretsProvider } from '../core/ports/secrets.ts';

export interface EnvSecretsProviderOptions {
  /** The environment to read, e.g. `process.env` passed in by main.ts. */
  env: Readonly<Record<string, string | undefined>>;
  /** Variable names that may be read (default: any valid env name). `CLAWPLANE_*` is always refused. */
  allowKeys?: RegExp;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** The control plane's own settings (database URL, master key…) are never readable as secrets. */
const RESERVED_PREFIX = 'CLAWPLANE_';

export function createEnvSecretsProvider(options: EnvSecretsProviderOptions): SecretsProvider {
  const allow = options.allowKeys ? new RegExp(options.allowKeys.source, options.allowKeys.flags.replace(/[gy]/g, '')) : undefined;
  return {
    kind: 'env',
    get(_org, name, key) {
      if (!key) return Promise.reject(new SecretsError('invalid-reference', `secret ${name}: an env secret needs spec.key (the variable name)`));
      if (!ENV_NAME.test(key)) return Promise.reject(new SecretsError('invalid-reference', `secret ${name}: "${key}" is not a valid env variable name`));
      if (key.toUpperCase().startsWith(RESERVED_PREFIX) || (allow && !allow.test(key))) {
        return Promise.reject(new SecretsError('forbidden', `secret ${name}: env variable ${key} may not be used as a secret`));
      }
      return Promise.resolve(Object.hasOwn(options.env, key) ? options.env[key] : undefined);
    },
  };
}
