// secrets set | list | rotate | purge (alias: secret). Values are read from stdin only, never from
// the command line (shell history, ps) and never printed.
import type { Command } from 'commander';
import type { BulkRotationResult, SecretListItem } from '../../app/secret-commands.ts';
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

interface ScopeOpts { gateway?: string; agent?: string }

function scopeBody(o: ScopeOpts): Record<string, string> {
  if (o.gateway && o.agent) throw new Error('give either --gateway or --agent, not both');
  const strip = (v: string) => v.replace(/^(gateway|gateways|gw|agent|agents)\//, '');
  return { ...(o.gateway ? { gateway: strip(o.gateway) } : {}), ...(o.agent ? { agent: strip(o.agent) } : {}) };
}

function scopeSuffix(o: ScopeOpts): string {
  const b = scopeBody(o);
  return b.gateway ? ` in gateway/${b.gateway}` : b.agent ? ` in agent/${b.agent}` : '';
}

export function registerSecretCommands(program: Command, ctx: CliContext): void {
  const secrets = program.command('secrets').alias('secret').description('Secret values: set, list, rotate, purge (values never printed)');
  const path = (org: string, name: string, rest: string): string => `/v1/orgs/${org}/secrets/${encodeURIComponent(name)}/${rest}`;
  const withScope = (c: Command): Command => c
    .option('--gateway <name>', "store the value in this gateway's namespace (used before the org's)")
    .option('--agent <name>', "store the value in this agent's namespace (used before its gateway's and the org's)");

  withScope(secrets
    .command('set <name>')
    .description('Set the value of a local Secret, read from stdin (never from the command line), or --generate a random one')
    .option('--generate', 'let Clawplane generate a random value (nobody sees it)'))
    .action(async (name: string, o: ScopeOpts & { generate?: boolean }) => {
      const body = { ...scopeBody(o), ...(o.generate ? { generate: true } : { value: await valueFromStdin('set') }) };
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const res = await client.json<{ version?: number }>('PUT', path(org, name, 'value'), body);
      ctx.out(`secret/${name} updated${scopeSuffix(o)}${o.generate ? ' with a generated value' : ''}${res.version ? ` (version ${res.version})` : ''}`);
    });

  secrets
    .command('list')
    .description('Secrets of the organization: provider, whether a value is set, namespaces, version and when rotation is due (local)')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action(async (o: { output: string }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const { items } = await client.json<{ items: ListItem[] }>('GET', `/v1/orgs/${org}/secret-values`);
      if (o.output === 'json' || o.output === 'yaml') {
        ctx.out(formatValue(items, o.output));
        return;
      }
      const rows: string[][] = [];
      for (const i of items) {
        const key = i.key ? `${i.source ? `${i.source}:` : ''}${i.key}` : '-';
        if (!i.values || i.values.length === 0) {
          rows.push([i.name, i.provider, key, '-', i.hasValue === null ? 'external' : 'no', '-', '-', '-']);
          continue;
        }
        for (const v of i.values) rows.push([i.name, i.provider, key, v.scope || 'org', 'yes', String(v.version), v.updatedAt, v.rotationDueAt.slice(0, 10)]);
      }
      ctx.out(formatTable(['NAME', 'PROVIDER', 'KEY', 'NAMESPACE', 'VALUE', 'VERSION', 'UPDATED', 'ROTATE-BY'], rows));
    });

  withScope(secrets
    .command('rotate [name]')
    .description('Replace a local Secret\'s value (new value from stdin, or --generate); --gateway-token gateway/NAME gives a gateway a new auth token; --all rotates every generated value and gateway token of the org, then restarts the gateways one at a time')
    .option('--generate', 'let Clawplane generate the new value (admins rotate without seeing values)')
    .option('--gateway-token <gateway>', 'gateway/NAME whose own auth token to regenerate')
    .option('--all', 'every generated value and gateway token of the organization, with rolling restarts'))
    .action(async (name: string | undefined, o: ScopeOpts & { gatewayToken?: string; generate?: boolean; all?: boolean }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      if (o.all) {
        if (name || o.gatewayToken) throw new Error('--all rotates the whole organization: give no NAME and no --gateway-token');
        ctx.err(`rotating every generated secret and gateway token of ${org}; gateways restart one at a time…`);
        const res = await client.json<BulkRotationResult>('POST', `/v1/orgs/${org}/secret-rotations`);
        for (const s of res.secrets) ctx.out(`secret/${s.name}${s.scope ? ` (${s.scope})` : ''} rotated (version ${s.version})`);
        for (const s of res.skipped) ctx.out(`secret/${s.name} not rotated: ${s.reason}`);
        for (const g of res.gateways) ctx.out(`gateway/${g.gateway} token rotated (version ${g.version ?? '?'}); ${g.restarted ? (g.ready ? 'restarted, ready' : `restarted, NOT ready${g.message ? `: ${g.message}` : ''}`) : (g.message ?? 'not restarted')}`);
        ctx.out(res.completed ? `done: ${res.gateways.filter((g) => g.restarted).length} gateway(s) restarted` : 'stopped: a gateway did not come back ready; the remaining gateways were not rotated');
        if (!res.completed) process.exitCode = 1;
        return;
      }
      if (o.gatewayToken) {
        if (name) throw new Error('give either NAME or --gateway-token gateway/NAME, not both');
        const gw = o.gatewayToken.replace(/^(gateway|gateways|gw)\//, '');
        const res = await client.json<{ version: number }>('POST', `/v1/orgs/${org}/gateway-tokens/${encodeURIComponent(gw)}/rotate`);
        ctx.out(`gateway/${gw} auth token rotated (version ${res.version}); the gateway restarts with it`);
        return;
      }
      if (!name) throw new Error('secrets rotate needs NAME (value on stdin or --generate), --gateway-token gateway/NAME or --all');
      const body = { ...scopeBody(o), ...(o.generate ? { generate: true } : { value: await valueFromStdin('rotate') }) };
      const res = await client.json<{ version?: number }>('POST', path(org, name, 'rotate'), body);
      ctx.out(`secret/${name} rotated${scopeSuffix(o)}${o.generate ? ' with a generated value' : ''}${res.version ? ` (version ${res.version})` : ''}`);
    });

  withScope(secrets
    .command('purge <name>')
    .description('Delete the stored value of a local Secret (the Secret resource stays)'))
    .action(async (name: string, o: ScopeOpts) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const b = scopeBody(o);
      const q = b.gateway ? `?gateway=${encodeURIComponent(b.gateway)}` : b.agent ? `?agent=${encodeURIComponent(b.agent)}` : '';
      const res = await client.json<{ purged: boolean }>('DELETE', `${path(org, name, 'value')}${q}`);
      ctx.out(res.purged ? `secret/${name} value purged${scopeSuffix(o)}` : `secret/${name} had no stored value${scopeSuffix(o)}`);
    });
}
