// secrets set | list | rotate | purge (alias: secret). Values are read from stdin only, never from
// the command line (shell history, ps) and never printed.
import type { Command } from 'commander';
import type { SecretListItem } from '../../app/secret-commands.ts';
import type { CliContext } from '../cli-context.ts';
import { formatTable, formatValue } from '../output.ts';
import { resolveOrg } from '../org.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function valueFromStdin(verb: string): Promise<string> {
  const value = (await readStdin()).replace(/\r?\n$/, '');
  if (!value) throw new Error(`no value on stdin: clawplane secrets ${verb} NAME < FILE`);
  return value;
}

type ListItem = SecretListItem;

export function registerSecretCommands(program: Command, ctx: CliContext): void {
  const secrets = program.command('secrets').alias('secret').description('Secret values: set, list, rotate, purge (values never printed)');
  const path = (org: string, name: string, rest: string): string => `/v1/orgs/${org}/secrets/${encodeURIComponent(name)}/${rest}`;

  secrets
    .command('set <name>')
    .description('Set the value of a local Secret, read from stdin (never from the command line)')
    .action(async (name: string) => {
      const value = await valueFromStdin('set');
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const res = await client.json<{ version?: number }>('PUT', path(org, name, 'value'), { value });
      ctx.out(`secret/${name} updated${res.version ? ` (version ${res.version})` : ''}`);
    });

  secrets
    .command('list')
    .description('Secrets of the organization: provider, whether a value is set, last update and version (local)')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action(async (o: { output: string }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const { items } = await client.json<{ items: ListItem[] }>('GET', `/v1/orgs/${org}/secret-values`);
      if (o.output === 'json' || o.output === 'yaml') {
        ctx.out(formatValue(items, o.output));
        return;
      }
      const has = (v: boolean | null): string => (v === null ? 'external' : v ? 'yes' : 'no');
      ctx.out(formatTable(['NAME', 'PROVIDER', 'KEY', 'VALUE', 'VERSION', 'UPDATED'], items.map((i) => [i.name, i.provider, i.key ?? '-', has(i.hasValue), i.version ? String(i.version) : '-', i.updatedAt ?? '-'])));
    });

  secrets
    .command('rotate [name]')
    .description('Replace a local Secret\'s value (new value from stdin), or with --gateway-token gateway/NAME give a gateway a new auth token (it restarts; the old token stops working)')
    .option('--gateway-token <gateway>', 'gateway/NAME whose own auth token to regenerate')
    .action(async (name: string | undefined, o: { gatewayToken?: string }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      if (o.gatewayToken) {
        if (name) throw new Error('give either NAME or --gateway-token gateway/NAME, not both');
        const gw = o.gatewayToken.replace(/^(gateway|gateways|gw)\//, '');
        const res = await client.json<{ version: number }>('POST', `/v1/orgs/${org}/gateway-tokens/${encodeURIComponent(gw)}/rotate`);
        ctx.out(`gateway/${gw} auth token rotated (version ${res.version}); the gateway restarts with it`);
        return;
      }
      if (!name) throw new Error('secrets rotate needs NAME (value on stdin) or --gateway-token gateway/NAME');
      const value = await valueFromStdin('rotate');
      const res = await client.json<{ version?: number }>('POST', path(org, name, 'rotate'), { value });
      ctx.out(`secret/${name} rotated${res.version ? ` (version ${res.version})` : ''}`);
    });

  secrets
    .command('purge <name>')
    .description('Delete the stored value of a local Secret (the Secret resource stays)')
    .action(async (name: string) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const res = await client.json<{ purged: boolean }>('DELETE', path(org, name, 'value'));
      ctx.out(res.purged ? `secret/${name} value purged` : `secret/${name} had no stored value`);
    });
}
