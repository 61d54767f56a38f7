// SecretsProvider port: where secret values live. Implemented in src/secrets (local encrypted
// store, env, file). Values only ever flow out of a provider into a gateway's environment at start;
// they are never logged, audited or stored in plain text.
import type { Issue } from '../issues.ts';
import type { SpecOf } from '../resources.ts';

export type SecretSpec = SpecOf<'Secret'>;
export type SecretProviderKind = SecretSpec['provider'];

/**
 * Where a value is looked up: a secretRef used by an agent resolves in the agent's namespace, then
 * its gateway's, then the org's (ADR 0012). Empty = the org namespace.
 */
export interface SecretScope {
  gateway?: string;
  agent?: string;
}

/** Extra reference fields of a Secret spec some providers use. */
export interface SecretRefOptions {
  /** exec / vault: which operator-configured instance (default "default"). */
  source?: string;
  /** vault: the field of the KV entry; keychain: the account. */
  field?: string;
  /** vault: a pinned KV version. */
  version?: number;
  /** local: the namespaces to try, most specific first (default: the org namespace only). */
  scopes?: readonly SecretScope[];
}

export interface SecretsProvider {
  readonly kind: SecretProviderKind;
  /**
   * The value of secret `name` of `org`, or undefined when the provider has none.
   * `key` is the Secret's `spec.key` (env: variable name, file: absolute path, exec: the id passed
   * to the command, vault: the KV path, keychain: the service; local: unused).
   * Throws SecretsError when the reference is refused (bad key, path outside the allowed roots…).
   */
  get(org: string, name: string, key?: string, options?: SecretRefOptions): Promise<string | undefined>;
  /** Writable providers only (local). */
  set?(org: string, name: string, value: string): Promise<void>;
  /** Returns true when a value was deleted. */
  delete?(org: string, name: string): Promise<boolean>;
  /** Secret names of the org, sorted. Never values. */
  list?(org: string): Promise<string[]>;
}

export const secretsErrorCodes = [
  /** The reference itself is unusable: relative path, bad env name, missing key. */
  'invalid-reference',
  /** The reference points somewhere this provider may not read (outside allowed roots, reserved env). */
  'forbidden',
  /** Master key material is malformed or has the wrong length. */
  'invalid-key-material',
  /** The master key file is gone while encrypted values exist (a new key would orphan them). */
  'key-missing',
  /** The master key file is readable by group or others. */
  'insecure-key-file',
  /** A value could not be decrypted: wrong master key or tampered store. */
  'decrypt-failed',
  /** The encrypted store file is not what this version wrote. */
  'corrupt-store',
  /** Name, org or value rejected by the provider (format or size). */
  'invalid-input',
  /** An external provider (command, Vault, keychain) failed, timed out or answered too much. */
  'provider-failed',
  /** The provider instance the Secret names is not configured on this control plane. */
  'unknown-source',
] as const;
export type SecretsErrorCode = (typeof secretsErrorCodes)[number];

/** Error thrown by providers. Its message never contains a secret value. */
export class SecretsError extends Error {
  readonly code: SecretsErrorCode;
  constructor(code: SecretsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretsError';
    this.code = code;
  }
}

export function isSecretsError(e: unknown): e is SecretsError {
  return e instanceof SecretsError;
}

/** A Secret resource as the resolver needs it; `Resource<'Secret'>` fits. */
export interface SecretDefinition {
  metadata: { name: string; org?: string };
  spec: SecretSpec;
}

export interface SecretResolution {
  /** Present only when resolved; never put it in issues, logs or audit. */
  value?: string;
  issues: Issue[];
}

export interface SecretResolver {
  /** Resolve secret `name` of `org` through the provider its Secret spec names, within `scope` (agent → gateway → org). */
  resolve(org: string, name: string, secrets: readonly SecretDefinition[], scope?: SecretScope): Promise<SecretResolution>;
  /** Resolve several names; `values` holds the resolved ones, `issues` explains every missing one. */
  resolveAll(org: string, names: readonly string[], secrets: readonly SecretDefinition[], scope?: SecretScope): Promise<{ values: Map<string, string>; issues: Issue[] }>;
}
