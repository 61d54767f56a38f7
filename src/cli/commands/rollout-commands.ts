// rollout start | status | list | pause | resume | abort | approve | breakers | clear-breaker (ADR 0010).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Client } from '../client.ts';
import type { CliContext } from '../cli-context.ts';
import { age, formatTable, formatValue } from '../output.ts';
import { resolveOrg } from '../org.ts';
import { changeEvents, type ChangeEvent } from '../change-events.ts';

interface Entry { name: string; wave: number; from: number; fromVersion: string; toVersion: string; state: string; revision?: number; message?: string; backup?: string; hold?: number }
interface RolloutView {
  metadata: { name: string; createdAt?: string };
  spec: { strategy: string; selector: Record<string, unknown>; onFailure: string };
  status?: {
    phase: string; message: string; reason?: string; highRisk: boolean; riskReasons: string[]; approvedBy?: string; change: { summary: string };
    waves: number; currentWave: number; gateways: Entry[]; startedAt: string; startedBy: string; finishedAt?: string;
  };
}

const TERMINAL = ['Succeeded', 'Failed', 'Aborted'];

function parseLabels(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S*)\s*$/.exec(part);
    if (!m) throw new Error(`--selector "${raw}": "${part}" is not key=value`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function int(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return n;
}

export function renderRollout(r: RolloutView): string {
  const s = r.status;
  if (!s) return `rollout/${r.metadata.name}: no state yet`;
  const lines = [
    `rollout/${r.metadata.name}: ${s.phase} — ${s.message}`,
    `change:   ${s.change.summary}`,
    `strategy: ${r.spec.strategy}, ${s.waves} wave(s), on failure: ${r.spec.onFailure}; started ${age(s.startedAt)} ago by ${s.startedBy}${s.finishedAt ? `, finished ${age(s.finishedAt)} ago` : ''}`,
  ];
  if (s.highRisk) lines.push(`high-risk: ${s.riskReasons.join('; ')}${s.approvedBy ? ` (approved by ${s.approvedBy})` : ' (needs: clawplane rollout approve ' + r.metadata.name + ')'}`);
  if (s.reason) lines.push(`reason:   ${s.reason}`);
  lines.push('');
  lines.push(formatTable(
    ['GATEWAY', 'WAVE', 'STATE', 'FROM', 'NOW', 'VERSION', 'MESSAGE'],
    s.gateways.map((g) => [
      g.name, String(g.wave + 1), g.state, String(g.from), g.revision !== undefined ? String(g.revision) : '-',
      g.fromVersion === g.toVersion ? g.toVersion : `${g.fromVersion}→${g.toVersion}`, `${g.message ?? ''}${g.backup ? ` (backup: ${g.backup})` : ''}`,
    ]),
  ));
  return lines.join('\n');
}

async function watchEvents(client: Client, org: string, onEvent: (e: ChangeEvent) => void, signal: AbortSignal): Promise<void> {
  try {
    for await (const e of changeEvents(client, org, signal)) onEvent(e);
  } catch {
    // aborted
  }
}

export function registerRolloutCommands(program: Command, ctx: CliContext): void {
  const rollout = program.commands.find((c) => c.name() === 'rollout') ?? program.command('rollout');
  rollout.description('Staged rollouts across gateways with health gates (start, status, list, pause, resume, abort, approve) and gateway revision history');

  const show = async (name: string, o: { watch?: boolean; output?: string }): Promise<void> => {
    const client = await ctx.client();
    const org = await resolveOrg(client, ctx.org());
    const get = (): Promise<RolloutView> => client.json<RolloutView>('GET', `/v1/orgs/${org}/rollouts/${encodeURIComponent(name)}`);
    let r = await get();
    const print = (v: RolloutView): void => ctx.out(o.output === 'json' || o.output === 'yaml' ? formatValue(v, o.output) : renderRollout(v));
    print(r);
    if (!o.watch) return;
    const ctl = new AbortController();
    let wake: (() => void) | undefined;
    void watchEvents(client, org, (e) => {
      if (e.kind === 'Rollout' && e.name === name && e.reason) ctx.out(`${e.time.slice(11, 19)}  ${e.reason}  ${e.message ?? ''}`);
      if (e.kind === 'Rollout' || e.kind === 'Gateway') wake?.();
    }, ctl.signal).catch(() => undefined);
    let last = JSON.stringify(r.status?.gateways.map((g) => [g.state, g.revision]));
    try {
      while (!TERMINAL.includes(r.status?.phase ?? '')) {
        await new Promise<void>((res) => {
          wake = res;
          setTimeout(res, 2000);
        });
        r = await get();
        const now = JSON.stringify(r.status?.gateways.map((g) => [g.state, g.revision]));
        if (now !== last || TERMINAL.includes(r.status?.phase ?? '')) {
          ctx.out('');
          print(r);
          last = now;
        }
      }
    } finally {
      ctl.abort();
    }
    if (r.status?.phase !== 'Succeeded') process.exitCode = 1;
  };

  rollout
    .command('start <name>')
    .description('Start a rollout of a change (-f fleet file, or --runtime-version) to the selected gateways')
    .option('-f, --filename <file>', 'fleet file with the change (YAML or JSON5)')
    .option('--runtime-version <version>', 'bump the runtime version of the selected gateways')
    .option('--group <name>', 'select the gateways of a group')
    .option('-l, --selector <labels>', 'select gateways by labels, e.g. env=prod,tier=web')
    .option('--gateways <names>', 'select gateways by name, comma-separated')
    .option('--strategy <strategy>', 'all | rolling | canary', 'rolling')
    .option('--max-unavailable <n>', 'rolling: gateways updated at once', '1')
    .option('--canary <n|n%>', 'canary: first wave, a count or a percentage', '1')
    .option('--wave-size <n>', 'canary: size of the following waves', '1')
    .option('--timeout <seconds>', 'per gateway: ready on the new revision with all gates passed within this time', '180')
    .option('--max-restarts <n>', 'restarts after the update that count as a crash loop', '2')
    .option('--doctor <severity>', 'fail on openclaw doctor findings at or above: off | info | warning | error', 'error')
    .option('--no-health-gate', 'skip the Gateway health RPC gate')
    .option('--no-channels-gate', 'skip the channels.status gate')
    .option('--agent-turn <agent>', 'after the other gates, run one live turn of this agent (its agent id) on every updated gateway')
    .option('--agent-turn-message <text>', 'the message of the agent-turn gate')
    .option('--agent-turn-expect <regex>', 'the reply must match this regular expression ("PONG" or "/pong/i")')
    .option('--agent-turn-timeout <seconds>', 'the agent turn\'s own budget (default 120)')
    .option('--restore-backup', 'downgrade: put back the state saved before the earlier upgrade away from the target version')
    .option('--on-failure <mode>', 'keep | revert: what already-updated healthy gateways do when a gate fails', 'revert')
    .option('-w, --watch', 'follow the rollout until it ends (exit code 1 unless it succeeded)')
    .action(async (name: string, o: Record<string, string | boolean | undefined>) => {
      const selector: Record<string, unknown> = {};
      if (typeof o.group === 'string') selector.group = o.group;
      if (typeof o.selector === 'string') selector.labels = parseLabels(o.selector);
      if (typeof o.gateways === 'string') selector.names = o.gateways.split(',').map((s) => s.trim()).filter(Boolean);
      const canaryRaw = String(o.canary);
      const canary = canaryRaw.endsWith('%') ? { percent: int('--canary', canaryRaw.slice(0, -1)) } : { count: int('--canary', canaryRaw) };
      const turnFlags = ['agentTurnMessage', 'agentTurnExpect', 'agentTurnTimeout'].filter((k) => typeof o[k] === 'string');
      if (typeof o.agentTurn !== 'string' && turnFlags.length > 0) throw new Error('--agent-turn-message, --agent-turn-expect and --agent-turn-timeout need --agent-turn AGENT');
      if (typeof o.agentTurn === 'string' && typeof o.agentTurnMessage !== 'string') throw new Error('--agent-turn needs --agent-turn-message TEXT (what the agent is asked)');
      const agentTurn = typeof o.agentTurn === 'string'
        ? {
          agent: o.agentTurn, message: o.agentTurnMessage,
          ...(typeof o.agentTurnExpect === 'string' ? { expect: o.agentTurnExpect } : {}),
          ...(typeof o.agentTurnTimeout === 'string' ? { timeoutSeconds: int('--agent-turn-timeout', o.agentTurnTimeout) } : {}),
        }
        : undefined;
      const spec = {
        selector,
        strategy: o.strategy,
        maxUnavailable: int('--max-unavailable', o.maxUnavailable as string),
        ...(o.strategy === 'canary' ? { canary, waveSize: int('--wave-size', o.waveSize as string) } : {}),
        gates: {
          timeoutSeconds: int('--timeout', o.timeout as string), maxRestarts: int('--max-restarts', o.maxRestarts as string),
          doctor: o.doctor, health: o.healthGate !== false, channels: o.channelsGate !== false,
          ...(agentTurn ? { agentTurn } : {}),
        },
        onFailure: o.onFailure,
        ...(o.restoreBackup === true ? { restoreBackup: true } : {}),
        ...(typeof o.runtimeVersion === 'string' ? { runtimeVersion: o.runtimeVersion } : {}),
      };
      let fleet: string | undefined;
      if (typeof o.filename === 'string') {
        try {
          fleet = o.filename === '-' ? await readStdin() : await readFile(o.filename, 'utf8');
        } catch (e) {
          throw new Error(`cannot read ${o.filename}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const r = await client.json<RolloutView>('POST', `/v1/orgs/${org}/rollouts/${encodeURIComponent(name)}/start`, { spec, ...(fleet !== undefined ? { fleet } : {}) });
      if (!o.watch) {
        ctx.out(renderRollout(r));
        return;
      }
      await show(name, { watch: true });
    });

  rollout
    .command('status <name>')
    .description('A rollout with per-gateway progress; -w follows it live until it ends')
    .option('-w, --watch', 'follow until it ends (exit code 1 unless it succeeded)')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action((name: string, o: { watch?: boolean; output?: string }) => show(name, o));

  rollout
    .command('list')
    .description('Rollouts of the organization')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action(async (o: { output: string }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const { items } = await client.json<{ items: RolloutView[] }>('GET', `/v1/orgs/${org}/rollouts`);
      if (o.output === 'json' || o.output === 'yaml') {
        ctx.out(formatValue(items, o.output));
        return;
      }
      ctx.out(formatTable(['NAME', 'PHASE', 'WAVE', 'GATEWAYS', 'CHANGE', 'AGE'], items.map((r) => {
        const s = r.status;
        const done = s?.gateways.filter((g) => g.state === 'succeeded').length ?? 0;
        return [r.metadata.name, s?.phase ?? '-', s ? `${Math.min(s.currentWave + 1, s.waves)}/${s.waves}` : '-', s ? `${done}/${s.gateways.length}` : '-', s?.change.summary ?? '-', age(r.metadata.createdAt)];
      })));
    });

  for (const verb of ['pause', 'resume', 'abort', 'approve'] as const) {
    const what = { pause: 'Pause a rollout (no further gateways are released)', resume: 'Resume a paused rollout', abort: 'Abort a rollout (updating gateways roll back; the rest stay pinned to their revision)', approve: 'Approve a high-risk rollout (org admin)' }[verb];
    rollout
      .command(`${verb} <name>`)
      .description(what)
      .action(async (name: string) => {
        const client = await ctx.client();
        const org = await resolveOrg(client, ctx.org());
        const r = await client.json<RolloutView>('POST', `/v1/orgs/${org}/rollouts/${encodeURIComponent(name)}/${verb}`, {});
        ctx.out(`rollout/${name}: ${r.status?.phase ?? '?'} — ${r.status?.message ?? ''}`);
      });
  }

  rollout
    .command('breakers')
    .description('Runtime versions with failed rollouts (circuit breaker)')
    .action(async () => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      const { items } = await client.json<{ items: { version: string; failures: number; threshold: number; blocked: boolean; lastRollout: string; lastFailureAt: string }[] }>('GET', `/v1/orgs/${org}/rollout-breakers`);
      if (items.length === 0) {
        ctx.out('no failed rollouts recorded');
        return;
      }
      ctx.out(formatTable(['VERSION', 'FAILURES', 'BLOCKED', 'LAST-ROLLOUT', 'AGE'], items.map((b) => [b.version, `${b.failures}/${b.threshold}`, b.blocked ? 'yes' : 'no', b.lastRollout, age(b.lastFailureAt)])));
    });

  rollout
    .command('clear-breaker <version>')
    .description('Unblock a runtime version after failed rollouts (org admin)')
    .action(async (version: string) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, ctx.org());
      await client.json('DELETE', `/v1/orgs/${org}/rollout-breakers/${encodeURIComponent(version)}`);
      ctx.out(`runtime version ${version}: circuit breaker cleared`);
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
