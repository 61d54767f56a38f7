#!/usr/bin/env node
// The `clawplane` command.
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError } from 'commander';
import { ApiError, Client, resolveConnection } from './client.ts';
import type { CliContext } from './cli-context.ts';
import { registerIdentityCommands } from './commands/identity-commands.ts';
import { registerOpsCommands } from './commands/ops-commands.ts';
import { registerResourceCommands } from './commands/resource-commands.ts';
import { registerLocalCommands } from './commands/local-commands.ts';
import { registerAgentCommands } from './commands/agent-commands.ts';
import { registerSecretCommands } from './commands/secret-commands.ts';
import { registerDeviceCommands } from './commands/device-commands.ts';
import { registerRevisionCommands } from './commands/revision-commands.ts';
import { registerRolloutCommands } from './commands/rollout-commands.ts';
import { registerOfflineCommands } from './offline/index.ts';
import { registerImageCommands } from './commands/image-commands.ts';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('clawplane')
    .description('Declarative, safe and observable fleets of OpenClaw gateways')
    .option('--url <url>', 'control plane URL (env CLAWPLANE_URL)')
    .option('--token <token>', 'API token (env CLAWPLANE_TOKEN; prefer the env or clawplane login)')
    .option('--org <name>', 'organization (env CLAWPLANE_ORG; default: the only one you can see)')
    .showHelpAfterError()
    .exitOverride();
  registerResourceCommands(program, ctx);
  registerOpsCommands(program, ctx);
  registerIdentityCommands(program, ctx);
  registerLocalCommands(program, ctx);
  registerAgentCommands(program, ctx);
  registerSecretCommands(program, ctx);
  registerDeviceCommands(program, ctx);
  registerRevisionCommands(program, ctx);
  registerRolloutCommands(program, ctx);
  registerImageCommands(program, ctx);
  registerOfflineCommands(program);
  return program;
}

export function printError(e: unknown, err: (s: string) => void): void {
  if (e instanceof ApiError) {
    err(`error: ${e.message}${e.status ? ` (HTTP ${e.status})` : ''}`);
    for (const i of e.body.error?.issues ?? []) {
      const where = [i.document !== undefined ? `document ${i.document}` : '', i.resource ?? '', i.path ?? ''].filter(Boolean).join(' ');
      err(`  ${i.severity ?? 'error'}: ${where ? `${where}: ` : ''}${i.message ?? ''}${i.hint ? ` (hint: ${i.hint})` : ''}`);
    }
    return;
  }
  err(`error: ${(e as Error).message}`);
}

export async function runCli(argv: string[]): Promise<number> {
  // ajv validators of OpenClaw's large schema are ~100× slower under Maglev (offline plan/render).
  setFlagsFromString('--no-maglev');
  let program: Command | undefined;
  const ctx: CliContext = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    org: () => program?.opts<{ org?: string }>().org,
    client: async () => {
      const o = program?.opts<{ url?: string; token?: string }>() ?? {};
      return new Client(await resolveConnection({ ...(o.url ? { url: o.url } : {}), ...(o.token ? { token: o.token } : {}) }));
    },
  };
  program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    printError(e, ctx.err);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
