// Runs a command with an argument array (never a shell), with a timeout and a cap on stdout.
// Used by the exec and keychain providers. Output is returned, never logged.
import { spawn } from 'node:child_process';
import { SecretsError } from '../core/ports/secrets.ts';

export interface RunCommandOptions {
  timeoutMs: number;
  maxBytes: number;
  env?: Record<string, string>;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
}

export type CommandRunner = (command: string, args: readonly string[], opts: RunCommandOptions) => Promise<CommandResult>;

/** Spawn `command` with `args`; rejects with provider-failed on spawn error, timeout or too much output. */
export const runCommand: CommandRunner = (command, args, opts) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { shell: false, stdio: ['ignore', 'pipe', 'ignore'], env: opts.env ?? {}, windowsHide: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let failed: SecretsError | undefined;
    const fail = (e: SecretsError): void => {
      failed ??= e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => fail(new SecretsError('provider-failed', `${command} did not answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > opts.maxBytes) fail(new SecretsError('provider-failed', `${command} printed more than ${opts.maxBytes} bytes`));
      else chunks.push(c);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new SecretsError('provider-failed', `cannot run ${command}: ${e.code ?? e.name}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failed) reject(failed);
      else resolve({ code, stdout: Buffer.concat(chunks).toString('utf8') });
    });
  });
