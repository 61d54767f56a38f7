// agents add | remove | list | test.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { CliContext } from '../cli-context.ts';
import { resolveOrg } from '../org.ts';

interface AddOptions {
  gateway: string;
  kind: 'human' | 'usecase';
  purpose?: string;
  owner?: string;
  ownerEmail?: string;
  model?: string;
  skills?: string;
  soul?: string;
  soulFile?: string;
  channel?: string;
  accountId?: string;
  secret?: string;
  credentialField: string;
  dryRun?: boolean;
}

export function registerAgentCommands(program: Command, ctx: CliContext): void {
  const agents = program.command('agents').description('Onboard and offboard agents');
  agents
    .command('add <name>')
    .description('Add an agent to a gateway in one atomic step: agent, optional channel account and route')
    .requiredOption('--gateway <name>', 'gateway the agent lives in')
    .option('--kind <kind>', 'human | usecase', 'usecase')
    .option('--purpose <text>', 'what a use-case agent is for')
    .option('--owner <id>', 'owner identity of a human-coupled agent (e.g. an email)')
    .option('--owner-email <email>')
    .option('--model <provider/model>')
    .option('--skills <list>', 'comma-separated skills')
    .option('--soul <text>', 'personality (SOUL.md)')
    .option('--soul-file <file>', 'personality from a file')
    .option('--channel <channel>', 'channel to connect, e.g. telegram')
    .option('--account-id <id>', 'channel account id (required with --channel)')
    .option('--secret <name>', 'Secret holding the channel credential (required with --channel)')
    .option('--credential-field <field>', 'credential field of the channel', 'botToken')
    .option('--dry-run', 'show what would change')
    .action(async (name: string, o: AddOptions) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const soul = o.soulFile ? await readFile(o.soulFile, 'utf8') : o.soul;
      const spec: Record<string, unknown> = { kind: o.kind };
      if (o.purpose) spec.purpose = o.purpose;
      if (o.owner) spec.owner = { id: o.owner, ...(o.ownerEmail ? { email: o.ownerEmail } : {}) };
      if (o.model) spec.model = o.model;
      if (o.skills !== undefined) spec.skills = o.skills.split(',').map((s) => s.trim()).filter(Boolean);
      if (soul) spec.personality = { soul };
      const docs: unknown[] = [{ apiVersion: 'clawplane.dev/v1alpha1', kind: 'Agent', metadata: { name, org, gateway: o.gateway }, spec }];
      if (o.channel) {
        if (!o.accountId || !o.secret) throw new Error('--channel needs --account-id and --secret');
        docs.push({
          apiVersion: 'clawplane.dev/v1alpha1', kind: 'ChannelAccount', metadata: { name: `${name}-${o.channel}`, org, gateway: o.gateway },
          spec: { channel: o.channel, accountId: o.accountId, agent: name, credentials: { [o.credentialField]: { secretRef: o.secret } } },
        });
        docs.push({
          apiVersion: 'clawplane.dev/v1alpha1', kind: 'Binding', metadata: { name: `${name}-${o.channel}-route`, org, gateway: o.gateway },
          spec: { agent: name, match: { channel: o.channel, accountId: o.accountId } },
        });
      }
      const text = docs.map((d) => stringify(d)).join('---\n');
      const res = await client.text<{ items: { kind: string; name: string; action: string }[] }>('POST', `/v1/apply?filename=agent.yaml${o.dryRun ? '&dryRun=true' : ''}`, text, 'application/yaml');
      for (const i of res.items) ctx.out(`${i.kind.toLowerCase()}/${i.name} ${i.action}${o.dryRun ? ' (dry run)' : ''}`);
    });
  agents
    .command('remove <name>')
    .description('Remove an agent with its channel accounts and routes; its workspace and state are archived first')
    .action(async (name: string) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const res = await client.json<{ deleted: { kind: string; name: string }[]; archives?: string[] }>('DELETE', `/v1/orgs/${org}/agents/${encodeURIComponent(name)}`);
      for (const d of res.deleted) ctx.out(`${d.kind.toLowerCase()}/${d.name} deleted`);
      for (const a of res.archives ?? []) ctx.out(`state archived to ${a}`);
    });
  agents
    .command('test <agent>')
    .description('Run one live agent turn on the agent\'s running gateway (agent/NAME or NAME); exit code 1 when the turn fails or the reply does not match --expect')
    .requiredOption('--message <text>', 'what the agent is asked')
    .option('--expect <regex>', 'the reply must match this regular expression ("PONG" or "/pong/i")')
    .option('--timeout <seconds>', 'the turn\'s budget', '120')
    .option('-o, --output <format>', 'text | json', 'text')
    .action(async (ref: string, o: { message: string; expect?: string; timeout: string; output: string }) => {
      const name = ref.replace(/^agents?\//, '');
      if (!name || name.includes('/')) throw new Error(`"${ref}" is not an agent; give agent/NAME`);
      const timeoutSeconds = Number(o.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new Error('--timeout must be a whole number of seconds');
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const r = await client.json<{ ok: boolean; message: string; reply?: string; gateway: string; durationMs: number }>('POST', `/v1/orgs/${org}/agents/${encodeURIComponent(name)}/test`, {
        message: o.message, timeoutSeconds, ...(o.expect !== undefined ? { expect: o.expect } : {}),
      });
      if (o.output === 'json') ctx.out(JSON.stringify(r, null, 2));
      else {
        ctx.out(`agent/${name} on gateway/${r.gateway}: ${r.ok ? 'PASS' : 'FAIL'} — ${r.message}`);
        if (r.reply !== undefined) ctx.out(`reply: ${r.reply}`);
      }
      if (!r.ok) process.exitCode = 1;
    });
}
