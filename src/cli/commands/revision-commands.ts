// rollout history, rollback (ADR 0007).
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { age, formatTable, formatValue } from '../output.ts';
import { resolveOrg } from '../org.ts';
import { parseTarget } from './resource-commands.ts';

interface RevisionRow { number: number; createdAt: string; runtimeVersion: string; configHash: string; knownGood: boolean; cause: string; current: boolean; pinned: boolean }

function gatewayName(target: string, verb: string): string {
  const t = parseTarget(target);
  if (t.kind !== 'Gateway' || !t.name) throw new Error(`${verb} works on gateway/NAME`);
  return t.name;
}

export function registerRevisionCommands(program: Command, ctx: CliContext): void {
  const rollout = program.command('rollout').description('Revisions of a gateway');
  rollout
    .command('history <target>')
    .description('Revisions of gateway/NAME, oldest first')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action(async (target: string, o: { output: string }) => {
      const name = gatewayName(target, 'rollout history');
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const { items } = await client.json<{ items: RevisionRow[] }>('GET', `/v1/orgs/${org}/gateways/${encodeURIComponent(name)}/revisions`);
      if (o.output === 'json' || o.output === 'yaml') {
        ctx.out(formatValue(items, o.output));
        return;
      }
      if (items.length === 0) {
        ctx.out(`gateway/${name} has no revisions yet`);
        return;
      }
      ctx.out(formatTable(
        ['REVISION', 'AGE', 'VERSION', 'CONFIG', 'KNOWN-GOOD', 'CAUSE'],
        items.map((r) => [`${r.number}${r.current ? '*' : ''}${r.pinned ? ' (pinned)' : ''}`, age(r.createdAt), r.runtimeVersion, r.configHash.slice(0, 12), r.knownGood ? 'yes' : 'no', r.cause]),
      ));
    });

  program
    .command('rollback <target>')
    .description('Pin gateway/NAME to an earlier revision (default: the last known-good before the current); --clear follows the current spec again')
    .option('--to <n>', 'revision number')
    .option('--clear', 'remove the pin')
    .action(async (target: string, o: { to?: string; clear?: boolean }) => {
      const name = gatewayName(target, 'rollback');
      let to: number | undefined;
      if (o.to !== undefined) {
        to = Number(o.to);
        if (!Number.isInteger(to) || to < 1) throw new Error('--to must be a revision number (1, 2, 3…)');
      }
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const res = await client.json<{ result: string }>('POST', `/v1/orgs/${org}/gateways/${encodeURIComponent(name)}/rollback`, { ...(to !== undefined ? { to } : {}), ...(o.clear ? { clear: true } : {}) });
      ctx.out(`gateway/${name}: ${res.result}`);
    });
}
