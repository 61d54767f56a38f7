// Secrets printed by an operator-configured command (a password manager CLI, a cloud secrets CLI,
// a script). The command and its arguments come from the control plane's provider config, never
// from an org's resources; the Secret's `spec.key` is only substituted as one argument ({id}), so
// no shell and no injection. stdout (trailing newline removed) is the value.
import { isAbsolute } from 'node:path';
import { SecretsError, type SecretsProvider } from '../core/ports/secrets.ts';
import { type CommandRunner, runCommand } from './run-command.ts';

export interface ExecCommandConfig {
  /** Absolute path of the executable. */
  command: string;
  /** Arguments; `{id}`, `{org}` and `{name}` are replaced in each. Without `{id}`, the id is appended. */
  args: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
  /** The command's whole environment (nothing of the control plane's is passed on). */
  env?: Record<string, string>;
}

export interface ExecSecretsProviderOptions {
  /** Instances by name (`spec.source`, default "default"). */
  commands: Readonly<Record<string, ExecCommandConfig>>;
  run?: CommandRunner;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,255}$/;

export function createExecSecretsProvider(options: ExecSecretsProviderOptions): SecretsProvider {
  for (const [name, c] of Object.entries(options.commands)) {
    if (!isAbsolute(c.command)) throw new SecretsError('invalid-input', `exec provider ${name}: command must be an absolute path`);
  }
  const run = options.run ?? runCommand;
  return {
    kind: 'exec',
    async get(org, name, key, opts) {
      const source = opts?.source ?? 'default';
      const cfg = Object.hasOwn(options.commands, source) ? options.commands[source] : undefined;
      if (!cfg) throw new SecretsError('unknown-source', `secret ${name}: exec provider "${source}" is not configured on this control plane`);
      if (!key) throw new SecretsError('invalid-reference', `secret ${name}: an exec secret needs spec.key (the id passed to the command)`);
      if (!ID.test(key) || key.includes('..')) throw new SecretsError('invalid-reference', `secret ${name}: spec.key must be 1-256 characters of letters, digits and ._:/@+- (no "..")`);
      const hasId = cfg.args.some((a) => a.includes('{id}'));
      const args = cfg.args.map((a) => a.replaceAll('{id}', key).replaceAll('{org}', org).replaceAll('{name}', name));
      if (!hasId) args.push(key);
      const res = await run(cfg.command, args, { timeoutMs: cfg.timeoutMs ?? 10_000, maxBytes: cfg.maxBytes ?? 64 * 1024, ...(cfg.env ? { env: cfg.env } : {}) });
      if (res.code !== 0) throw new SecretsError('provider-failed', `secret ${name}: exec provider "${source}" exited with code ${String(res.code)}`);
      const value = res.stdout.replace(/(?:\r?\n)+$/, '');
      return value === '' ? undefined : value;
    },
  };
}
