// login, whoami, token, audit, lifecycle verbs, logs, explain.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { Client, configPath } from '../client.ts';
import type { CliContext } from '../cli-context.ts';
import { formatTable, formatValue } from '../output.ts';
import { resolveOrg } from '../org.ts';
import { parseTarget } from './resource-commands.ts';

interface TopRow {
  name: string;
  target: string;
  phase: string;
  ready: boolean;
  restarts: number;
  stats?: { cpuPercent?: number; memoryBytes?: number; pids?: number; unavailable?: string };
}

interface Outcome { gateway: string; action: string; ok: boolean; result: string; archive?: string }

export function registerOpsCommands(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('Save the server URL and an API token for later commands')
    .requiredOption('--server <url>', 'control plane URL, e.g. http://127.0.0.1:7070')
    .option('--token-stdin', 'read the token from stdin instead of CLAWPLANE_TOKEN')
    .action(async (o: { server: string; tokenStdin?: boolean }) => {
      let token = process.env.CLAWPLANE_TOKEN;
      if (o.tokenStdin) {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        token = Buffer.concat(chunks).toString('utf8').trim();
      }
      if (!token) throw new Error('no token: pipe it with --token-stdin or set CLAWPLANE_TOKEN');
      const client = new Client({ url: o.server.replace(/\/+$/, ''), token });
      const me = await client.json<{ name: string }>('GET', '/v1/whoami');
      const file = configPath();
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, JSON.stringify({ url: client.conn.url, token }, null, 2), { mode: 0o600 });
      ctx.out(`logged in to ${client.conn.url} as ${me.name} (saved in ${file})`);
    });

  program.command('whoami').description('Show who you are and your roles').action(async () => {
    const me = await (await ctx.client()).json<{ name: string; grants: { org: string; role: string }[]; scopes?: string[] }>('GET', '/v1/whoami');
    ctx.out(`${me.name}: ${me.grants.map((g) => `${g.role} in ${g.org === '*' ? 'every organization' : g.org}`).join(', ') || 'no roles'}${me.scopes ? ` (token scopes: ${me.scopes.join(', ')})` : ''}`);
  });

  const audit = program.command('audit').description('The tamper-evident audit log');
  audit
    .command('list')
    .option('--limit <n>', 'at most n events', '100')
    .option('--after <seq>', 'events after this sequence number')
    .option('--target <kind/name>', 'only events about this resource')
    .option('-o, --output <format>', 'table | json', 'table')
    .action(async (o: { limit: string; after?: string; target?: string; output: string }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const q = new URLSearchParams({ limit: o.limit });
      if (o.after) q.set('afterSeq', o.after);
      if (o.target) q.set('target', o.target);
      const { items } = await client.json<{ items: { seq: number; time: string; actor: string; action: string; target: string; hash: string }[] }>('GET', `/v1/orgs/${org}/audit?${q.toString()}`);
      if (o.output === 'json') return ctx.out(JSON.stringify(items, null, 2));
      ctx.out(formatTable(['SEQ', 'TIME', 'ACTOR', 'ACTION', 'TARGET', 'HASH'], items.map((e) => [String(e.seq), e.time, e.actor, e.action, e.target, e.hash.slice(0, 12)])));
    });
  audit.command('verify').description('Verify the hash chain: exits 1 when anything was altered or removed').action(async () => {
    const client = await ctx.client();
    const org = await resolveOrg(client, ctx.org());
    const res = await client.json<{ ok: boolean; checked: number; problems: { seq: number; message: string }[] }>('GET', `/v1/orgs/${org}/audit-verify`);
    if (res.ok) {
      ctx.out(`audit chain of ${org} is intact: ${res.checked} event(s) verified`);
      return;
    }
    for (const p of res.problems) ctx.err(`seq ${p.seq}: ${p.message}`);
    throw new Error(`audit chain of ${org} is BROKEN: ${res.problems.length} problem(s)`);
  });

  for (const action of ['start', 'stop', 'restart', 'kill', 'destroy'] as const) {
    program
      .command(`${action} [target]`)
      .description(`${action} gateway/NAME, or many gateways with -l or --group`)
      .option('-l, --selector <labels>', 'label selector')
      .option('--group <name>', 'every gateway of a group')
      .action(async (target: string | undefined, o: { selector?: string; group?: string }) => {
        const client = await ctx.client();
        const org = await resolveOrg(client, ctx.org());
        let results: Outcome[];
        if (target) {
          const t = parseTarget(target);
          if (t.kind !== 'Gateway' || !t.name) throw new Error(`${action} works on gateway/NAME`);
          results = (await client.json<{ results: Outcome[] }>('POST', `/v1/orgs/${org}/gateways/${encodeURIComponent(t.name)}/${action}`)).results;
        } else {
          if (!o.selector && !o.group) throw new Error(`${action} needs gateway/NAME, -l SELECTOR or --group NAME`);
          results = (await client.json<{ results: Outcome[] }>('POST', `/v1/orgs/${org}/gateway-actions/${action}`, { ...(o.selector ? { labelSelector: o.selector } : {}), ...(o.group ? { group: o.group } : {}) })).results;
        }
        if (results.length === 0) ctx.out('no gateway matched');
        for (const r of results) ctx.out(`gateway/${r.gateway}: ${r.ok ? '' : 'FAILED: '}${r.result}${r.archive ? ` (archived to ${r.archive})` : ''}`);
        if (results.some((r) => !r.ok)) process.exitCode = 1;
      });
  }

  program
    .command('logs <target>')
    .description('Gateway logs: logs gateway/NAME [-f] [--tail N]')
    .option('-f, --follow', 'keep streaming')
    .option('--tail <n>', 'last n lines', '200')
    .action(async (target: string, o: { follow?: boolean; tail: string }) => {
      const t = parseTarget(target);
      if (t.kind !== 'Gateway' || !t.name) throw new Error('logs works on gateway/NAME');
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const res = await client.raw('GET', `/v1/orgs/${org}/gateways/${encodeURIComponent(t.name)}/logs?tail=${encodeURIComponent(o.tail)}${o.follow ? '&follow=true' : ''}`);
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) process.stdout.write(decoder.decode(chunk, { stream: true }));
    });

  program
    .command('top [target]')
    .description('CPU, memory, pids, restarts and readiness: top (every gateway, last background sample) or top gateway/NAME (asked now)')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action(async (target: string | undefined, o: { output: 'table' | 'json' | 'yaml' }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      let rows: TopRow[];
      if (target) {
        const t = parseTarget(target);
        if (t.kind !== 'Gateway' || !t.name) throw new Error('top works on gateway/NAME (or no target for every gateway)');
        rows = [await client.json<TopRow>('GET', `/v1/orgs/${org}/gateways/${encodeURIComponent(t.name)}/stats`)];
      } else {
        rows = (await client.json<{ items: TopRow[] }>('GET', `/v1/orgs/${org}/gateway-stats`)).items;
      }
      if (o.output !== 'table') return ctx.out(formatValue(target ? rows[0] : rows, o.output));
      const mib = (b?: number) => (b === undefined ? '-' : `${(b / 1024 / 1024).toFixed(0)}Mi`);
      ctx.out(formatTable(['NAME', 'TARGET', 'PHASE', 'READY', 'CPU%', 'MEMORY', 'PIDS', 'RESTARTS'], rows.map((r) => [
        r.name, r.target, r.phase, r.ready ? 'true' : 'false',
        r.stats?.cpuPercent === undefined ? '-' : r.stats.cpuPercent.toFixed(1), mib(r.stats?.memoryBytes),
        r.stats?.pids === undefined ? '-' : String(r.stats.pids), String(r.restarts),
      ])));
      for (const r of rows) if (r.stats?.unavailable) ctx.err(`${r.name}: no CPU/memory figures: ${r.stats.unavailable}`);
    });

  program
    .command('exec <target> [command...]')
    .description('Run a diagnostic command in a running gateway (org admins; audited): exec gateway/NAME [--timeout S] -- CMD ARGS...; exits with the command\'s exit code')
    .option('--timeout <seconds>', 'kill the command after this many seconds (1-240)', '60')
    .action(async (target: string, command: string[], o: { timeout: string }) => {
      const t = parseTarget(target);
      if (t.kind !== 'Gateway' || !t.name) throw new Error('exec works on gateway/NAME: clawplane exec gateway/NAME -- CMD ARGS...');
      if (command.length === 0) throw new Error('no command: clawplane exec gateway/NAME -- CMD ARGS...');
      const timeoutSeconds = Number(o.timeout);
      if (!Number.isInteger(timeoutSeconds)) throw new Error(`--timeout must be a whole number of seconds, not ${JSON.stringify(o.timeout)}`);
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const r = await client.json<{ exitCode: number | null; stdout: string; stderr: string; truncated: boolean; timedOut: boolean }>(
        'POST', `/v1/orgs/${org}/gateways/${encodeURIComponent(t.name)}/exec`, { command, timeoutSeconds },
      );
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      if (r.truncated) ctx.err('(output truncated at the server\'s limit)');
      if (r.timedOut) ctx.err(`(killed after ${timeoutSeconds} s)`);
      // Like `timeout(1)`: 124 when the command was killed at the timeout.
      process.exitCode = r.timedOut ? 124 : r.exitCode ?? 1;
    });

  program
    .command('explain <target>')
    .description('Where each leaf of a gateway\'s effective config comes from: explain gateway/NAME --path agents.entries.x.model')
    .option('--path <path>', 'a config path')
    .option('-o, --output <format>', 'yaml | json', 'yaml')
    .action(async (target: string, o: { path?: string; output: 'yaml' | 'json' }) => {
      const t = parseTarget(target);
      if (t.kind !== 'Gateway' || !t.name) throw new Error('explain works on gateway/NAME');
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const res = await client.json<unknown>('GET', `/v1/orgs/${org}/gateways/${encodeURIComponent(t.name)}/explain${o.path ? `?path=${encodeURIComponent(o.path)}` : ''}`);
      ctx.out(formatValue(res, o.output));
    });

  const runtime = program.command('runtime').description('OpenClaw versions installed side by side in the data dir');
  runtime.command('install <spec>').description('install openclaw@VERSION from the npm registry').action(async (spec: string) => {
    const [kind, version] = spec.includes('@') ? (spec.split('@', 2) as [string, string]) : ['openclaw', spec];
    const res = await (await ctx.client()).json<{ kind: string; version: string; path: string }>('POST', '/v1/runtimes', { kind, version });
    ctx.out(`${res.kind}@${res.version} installed in ${res.path}`);
  });
  runtime.command('list').description('installed runtime versions').action(async () => {
    const { items } = await (await ctx.client()).json<{ items: { kind: string; version: string; path: string }[] }>('GET', '/v1/runtimes');
    ctx.out(formatTable(['KIND', 'VERSION', 'PATH'], items.map((i) => [i.kind, i.version, i.path])));
  });
  runtime.command('remove <spec>').description('remove an installed version (refused while gateways use it)').action(async (spec: string) => {
    const [kind, version] = spec.includes('@') ? (spec.split('@', 2) as [string, string]) : ['openclaw', spec];
    await (await ctx.client()).json('DELETE', `/v1/runtimes/${encodeURIComponent(kind)}/${encodeURIComponent(version)}`);
    ctx.out(`${kind}@${version} removed`);
  });

  const policy = program.command('policy').description('Policy');
  policy
    .command('explain <target>')
    .description('Effective integrations, skills and models of an agent, and which scope decided each: policy explain agent/NAME')
    .option('-o, --output <format>', 'yaml | json', 'yaml')
    .action(async (target: string, o: { output: 'yaml' | 'json' }) => {
      const t = parseTarget(target);
      if (t.kind !== 'Agent' || !t.name) throw new Error('policy explain works on agent/NAME');
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      ctx.out(formatValue(await client.json<unknown>('GET', `/v1/orgs/${org}/agents/${encodeURIComponent(t.name)}/policy`), o.output));
    });
}
