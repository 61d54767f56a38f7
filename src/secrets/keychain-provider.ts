// Secrets kept in the macOS Keychain, read with the `security` CLI (argument array, no shell):
// `security find-generic-password -s SERVICE -a ACCOUNT -w`. spec.key = service, spec.field = account.
import { SecretsError, type SecretsProvider } from '../core/ports/secrets.ts';
import { type CommandRunner, runCommand } from './run-command.ts';

export const SECURITY_CLI = '/usr/bin/security';
/** `security` exit code for "item not found". */
const NOT_FOUND = 44;
const PART = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;

export interface KeychainOptions {
  securityPath?: string;
  run?: CommandRunner;
  timeoutMs?: number;
}

/** Read one generic password; undefined when the item does not exist. */
export async function readKeychainPassword(service: string, account: string | undefined, opts: KeychainOptions = {}): Promise<string | undefined> {
  if (!PART.test(service) || (account !== undefined && !PART.test(account))) {
    throw new SecretsError('invalid-reference', 'keychain service and account must be 1-128 characters of letters, digits and ._@:-');
  }
  const args = ['find-generic-password', '-s', service, ...(account ? ['-a', account] : []), '-w'];
  const res = await (opts.run ?? runCommand)(opts.securityPath ?? SECURITY_CLI, args, { timeoutMs: opts.timeoutMs ?? 10_000, maxBytes: 64 * 1024 });
  if (res.code === NOT_FOUND) return undefined;
  if (res.code !== 0) throw new SecretsError('provider-failed', `security find-generic-password exited with code ${String(res.code)} (is the keychain unlocked?)`);
  const value = res.stdout.replace(/\r?\n$/, '');
  return value === '' ? undefined : value;
}

export function createKeychainSecretsProvider(opts: KeychainOptions = {}): SecretsProvider {
  return {
    kind: 'keychain',
    async get(_org, name, key, o) {
      if (!key) throw new SecretsError('invalid-reference', `secret ${name}: a keychain secret needs spec.key (the service name)`);
      return readKeychainPassword(key, o?.field, opts);
    },
  };
}
