// apply, diff, get, describe, delete.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type Kind, kindFromName, kinds } from '../../core/resources.ts';
import { type Client } from '../client.ts';
import { type Format, age, formatTable, formatValue } from '../output.ts';
import { resolveOrg } from '../org.ts';
import { changeEvents } from '../change-events.ts';
import type { CliContext } from '../cli-context.ts';

interface Res {
  kind: Kind;
  metadata: { name: string; org: string; gateway?: string; group?: string; labels?: Record<string, string>; createdAt?: string; resourceVersion?: number; generation?: number };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function parseKind(name: string): Kind {
  const kind = kindFromName(name);
  if (!kind) throw new Error(`unknown resource type "${name}"`);
  return kind;
}

/** `gateway/NAME` or `gateway NAME`. */
export function parseTarget(a: string, b?: string): { kind: Kind; name: string | undefined } {
  if (a.includes('/')) {
    const [k, n] = a.split('/', 2) as [string, string];
    return { kind: parseKind(k), name: n };
  }
  return { kind: parseKind(a), name: b };
}

function str(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v as string | number | boolean);
}

function healthText(h: unknown): string {
  if (!h || typeof h !== 'object') return '-';
  const x = h as { live?: boolean; ready?: boolean; failing?: string[] };
  if (x.ready) return 'ready';
  if (x.live) return x.failing && x.failing.length > 0 ? `live (failing: ${x.failing.join(',')})` : 'live';
  return 'down';
}

function columns(kind: Kind, wide: boolean): { headers: string[]; row: (r: Res) => string[] } {
  const base = (r: Res): string[] => [r.metadata.name];
  const tail = (r: Res): string[] => [age(r.metadata.createdAt)];
  const labels = (r: Res): string => Object.entries(r.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '-';
  switch (kind) {
    case 'Gateway':
      return {
        headers: ['NAME', 'STATE', 'VERSION', 'PORT', 'AGENTS', 'HEALTH', 'RESTARTS', 'AGE', ...(wide ? ['REVISION', 'GROUP', 'TARGET', 'LABELS', 'MESSAGE'] : [])],
        row: (r) => {
          const s = r.status ?? {};
          return [
            ...base(r), str(s.lifecycle ?? 'pending'), str(s.runtimeVersion ?? (r.spec.runtime as { version?: string } | undefined)?.version),
            str(s.port ?? r.spec.port), str(s.agentCount), healthText(s.health), str(s.restarts ?? 0), ...tail(r),
            ...(wide ? [s.pinnedRevision !== undefined ? `${str(s.revision)} (pinned ${str(s.pinnedRevision)})` : str(s.revision), str(r.metadata.group), str((r.spec.target as { kind?: string } | undefined)?.kind ?? s.target), labels(r), str(s.message)] : []),
          ];
        },
      };
    case 'Agent':
      return {
        headers: ['NAME', 'GATEWAY', 'KIND', 'MODEL', 'OWNER/PURPOSE', 'LIVE', 'AGE'],
        row: (r) => [
          ...base(r), str(r.metadata.gateway), str(r.spec.kind), str(typeof r.spec.model === 'object' ? (r.spec.model as { primary: string }).primary : r.spec.model),
          str((r.spec.owner as { id?: string } | undefined)?.id ?? r.spec.purpose), str(r.status?.live), ...tail(r),
        ],
      };
    case 'ChannelAccount':
      return { headers: ['NAME', 'GATEWAY', 'CHANNEL', 'ACCOUNT', 'AGENT', 'AGE'], row: (r) => [...base(r), str(r.metadata.gateway), str(r.spec.channel), str(r.spec.accountId), str(r.spec.agent), ...tail(r)] };
    case 'Binding':
      return { headers: ['NAME', 'GATEWAY', 'AGENT', 'MATCH', 'AGE'], row: (r) => [...base(r), str(r.metadata.gateway), str(r.spec.agent), str(r.spec.match), ...tail(r)] };
    case 'Organization':
      return { headers: ['NAME', 'DISPLAY NAME', 'AGE'], row: (r) => [...base(r), str(r.spec.displayName), ...tail(r)] };
    case 'Group': case 'ConfigTemplate': case 'Policy': case 'CatalogEntry': case 'Secret': case 'Team': case 'Rollout': case 'RoleBinding':
      return { headers: ['NAME', ...(wide ? ['GENERATION', 'LABELS'] : []), 'AGE'], row: (r) => [...base(r), ...(wide ? [str(r.metadata.generation), labels(r)] : []), ...tail(r)] };
  }
}

function printList(ctx: CliContext, kind: Kind, items: Res[], format: Format): void {
  if (format === 'json' || format === 'yaml') {
    ctx.out(formatValue(items.length === 1 && ctx.single ? items[0] : { kind: `${kind}List`, items }, format));
    return;
  }
  if (format === 'name') {
    for (const r of items) ctx.out(`${kind.toLowerCase()}/${r.metadata.name}`);
    return;
  }
  const { headers, row } = columns(kind, format === 'wide');
  if (items.length === 0) {
    ctx.err(`No ${kinds[kind].plural} found.`);
    return;
  }
  ctx.out(formatTable(headers, items.map(row)));
}

interface ApplyItem { kind: string; name: string; action: string; diff: { path: string; op: string; from?: unknown; to?: unknown }[] }

export function registerResourceCommands(program: Command, ctx: CliContext): void {
  program
    .command('apply')
    .description('Create or update everything in a fleet file (all-or-nothing)')
    .requiredOption('-f, --file <file>', 'fleet file (YAML or JSON5), - for stdin')
    .option('--dry-run', 'show what would change without changing anything')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (o: { file: string; dryRun?: boolean; output: string }) => {
      const client = await ctx.client();
      const text = await readInput(o.file);
      const res = await client.text<{ items: ApplyItem[]; warnings: { message: string }[] }>('POST', `/v1/apply?filename=${encodeURIComponent(o.file)}${o.dryRun ? '&dryRun=true' : ''}`, text, 'application/yaml');
      if (o.output === 'json') return ctx.out(JSON.stringify(res, null, 2));
      for (const i of res.items) ctx.out(`${i.kind.toLowerCase()}/${i.name} ${i.action}${o.dryRun && i.action !== 'unchanged' ? ' (dry run)' : ''}`);
      for (const w of res.warnings) ctx.err(`warning: ${w.message}`);
    });

  program
    .command('diff')
    .description('What applying a fleet file would change, per resource')
    .requiredOption('-f, --file <file>', 'fleet file, - for stdin')
    .action(async (o: { file: string }) => {
      const client = await ctx.client();
      const res = await client.text<{ items: ApplyItem[] }>('POST', `/v1/diff?filename=${encodeURIComponent(o.file)}`, await readInput(o.file), 'application/yaml');
      let changes = 0;
      for (const i of res.items) {
        if (i.action === 'unchanged') continue;
        changes++;
        ctx.out(`${i.action === 'created' ? '+' : '~'} ${i.kind}/${i.name} (${i.action === 'created' ? 'create' : 'update'})`);
        if (i.action === 'configured') for (const d of i.diff) ctx.out(`    ${d.op === 'add' ? '+' : d.op === 'remove' ? '-' : '~'} ${d.path}: ${d.op === 'add' ? JSON.stringify(d.to) : d.op === 'remove' ? JSON.stringify(d.from) : `${JSON.stringify(d.from)} → ${JSON.stringify(d.to)}`}`);
      }
      if (changes === 0) ctx.out('no changes');
    });

  program
    .command('get <type> [name]')
    .description('List or show resources (gateways, agents, channelaccounts, bindings, …)')
    .option('-o, --output <format>', 'table | wide | json | yaml | name', 'table')
    .option('-l, --selector <labels>', 'label selector, e.g. env=prod,team=support')
    .option('--gateway <name>', 'only resources of this gateway')
    .option('--group <name>', 'only resources of this group')
    .option('-w, --watch', 'keep watching for changes')
    .action(async (type: string, name: string | undefined, o: { output: Format; selector?: string; gateway?: string; group?: string; watch?: boolean }) => {
      const t = parseTarget(type, name);
      if (!['table', 'wide', 'json', 'yaml', 'name'].includes(o.output)) throw new Error(`unknown output format "${o.output}"`);
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const plural = kinds[t.kind].plural;
      const fetchAll = async (): Promise<Res[]> => {
        if (t.name) return [await client.json<Res>('GET', `/v1/orgs/${org}/${plural}/${encodeURIComponent(t.name)}`)];
        const q = new URLSearchParams();
        if (o.selector) q.set('labelSelector', o.selector);
        if (o.gateway) q.set('gateway', o.gateway);
        if (o.group) q.set('group', o.group);
        const items: Res[] = [];
        let cont: string | undefined;
        do {
          if (cont) q.set('continue', cont);
          const page = await client.json<{ items: Res[]; continue?: string }>('GET', `/v1/orgs/${org}/${plural}?${q.toString()}`);
          items.push(...page.items);
          cont = page.continue;
        } while (cont);
        return items;
      };
      ctx.single = Boolean(t.name);
      printList(ctx, t.kind, await fetchAll(), o.output);
      if (!o.watch) return;
      for await (const e of changeEvents(client, org)) {
        if (e.kind !== t.kind || (t.name && e.name !== t.name)) continue;
        if (e.type === 'DELETED') {
          ctx.out(`${t.kind.toLowerCase()}/${e.name} deleted`);
          continue;
        }
        try {
          const r = await client.json<Res>('GET', `/v1/orgs/${org}/${plural}/${encodeURIComponent(e.name)}`);
          const { row } = columns(t.kind, o.output === 'wide');
          ctx.out(o.output === 'json' || o.output === 'yaml' ? formatValue(r, o.output) : row(r).join('   '));
        } catch {
          // gone meanwhile
        }
      }
    });

  program
    .command('describe <type> [name]')
    .description('Show one resource in full, with status, conditions and recent audit events')
    .action(async (type: string, name: string | undefined) => {
      const t = parseTarget(type, name);
      if (!t.name) throw new Error('describe needs a name: describe gateway/NAME');
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const r = await client.json<Res>('GET', `/v1/orgs/${org}/${kinds[t.kind].plural}/${encodeURIComponent(t.name)}`);
      ctx.out(formatValue(r, 'yaml'));
      const audit = await client.json<{ items: { seq: number; time: string; actor: string; action: string }[] }>('GET', `/v1/orgs/${org}/audit?target=${encodeURIComponent(`${t.kind}/${t.name}`)}&limit=1000`);
      ctx.out('events:');
      for (const e of audit.items.slice(-10)) ctx.out(`  ${e.time}  ${e.action}  by ${e.actor}`);
    });

  program
    .command('delete [type] [name]')
    .description('Delete a resource (a gateway with its agents, accounts and bindings), or everything in a fleet file')
    .option('-f, --file <file>', 'delete every resource of this fleet file')
    .action(async (type: string | undefined, name: string | undefined, o: { file?: string }) => {
      const client = await ctx.client();
      const targets: { org: string; kind: Kind; name: string }[] = [];
      if (o.file) {
        const { parseFleet } = await import('../../core/fleet-file.ts');
        const parsed = parseFleet(await readInput(o.file), o.file);
        if (parsed.issues.length > 0) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
        for (const d of [...parsed.documents].reverse()) if (d.kind !== 'Organization') targets.push({ org: d.metadata.org, kind: d.kind, name: d.metadata.name });
      } else {
        if (!type) throw new Error('delete needs a resource: delete gateway/NAME or -f FILE');
        const t = parseTarget(type, name);
        if (!t.name) throw new Error('delete needs a name');
        targets.push({ org: await resolveOrg(client, ctx.org()), kind: t.kind, name: t.name });
      }
      for (const t of targets) {
        try {
          const res = await client.json<{ deleted: { kind: string; name: string }[] }>('DELETE', `/v1/orgs/${t.org}/${kinds[t.kind].plural}/${encodeURIComponent(t.name)}`);
          for (const d of res.deleted) ctx.out(`${d.kind.toLowerCase()}/${d.name} deleted`);
        } catch (e) {
          if (o.file && (e as { status?: number }).status === 404) continue;
          throw e;
        }
      }
    });
}

export type { Client };
