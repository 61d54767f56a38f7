import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createKeychainSecretsProvider, readKeychainPassword, SECURITY_CLI } from './keychain-provider.ts';
import { runCommand, type CommandRunner } from './run-command.ts';

describe('keychain provider (argument handling, through the command-runner port)', () => {
  it('calls security find-generic-password with service/account and maps its exit codes', async () => {
    const calls: string[][] = [];
    const run: CommandRunner = (cmd, args) => {
      calls.push([cmd, ...args]);
      const service = args[2];
      return Promise.resolve(service === 'gone' ? { code: 44, stdout: '' } : service === 'locked' ? { code: 51, stdout: '' } : { code: 0, stdout: 'kc-value\n' });
    };
    const p = createKeychainSecretsProvider({ run });
    expect(await p.get('acme', 's', 'clawplane', { field: 'tg' })).toBe('kc-value');
    expect(calls[0]).toEqual([SECURITY_CLI, 'find-generic-password', '-s', 'clawplane', '-a', 'tg', '-w']);
    expect(await p.get('acme', 's', 'gone')).toBeUndefined();
    await expect(p.get('acme', 's', 'locked')).rejects.toMatchObject({ code: 'provider-failed' });
    await expect(p.get('acme', 's', '-s evil')).rejects.toMatchObject({ code: 'invalid-reference' });
    await expect(p.get('acme', 's', undefined)).rejects.toMatchObject({ code: 'invalid-reference' });
  });
});

// The real macOS Keychain: only where the `security` CLI exists (never on Linux CI).
describe.runIf(existsSync(SECURITY_CLI))('macOS Keychain (real security CLI)', () => {
  it('reads a generic password it created', async () => {
    const service = `clawplane-test-${process.pid}`;
    const add = await runCommand(SECURITY_CLI, ['add-generic-password', '-U', '-s', service, '-a', 'acct', '-w', 'kc-real-value'], { timeoutMs: 10_000, maxBytes: 4096 });
    expect(add.code).toBe(0);
    try {
      expect(await readKeychainPassword(service, 'acct')).toBe('kc-real-value');
    } finally {
      await runCommand(SECURITY_CLI, ['delete-generic-password', '-s', service, '-a', 'acct'], { timeoutMs: 10_000, maxBytes: 4096 });
    }
    expect(await readKeychainPassword(service, 'acct')).toBeUndefined();
  });
});
