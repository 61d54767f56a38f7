// Offline CLI verbs: `clawplane render|plan|lint -f FLEET`. They call core and the adapters
// directly; nothing talks to a server. Exit code 1 on any error issue.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { type Issue, formatIssue } from '../../core/issues.ts';
import type { GatewayPlan } from '../../core/plan-fleet.ts';
import { registerExportCommands } from './export-commands.ts';
import { type PipelineResult, runPipeline } from './fleet-pipeline.ts';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}
const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

function load(file: string, stateRoot: string | undefined, io: Io): PipelineResult | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    io.err(`cannot read ${file}: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  return runPipeline(text, file, stateRoot ? { stateRoot } : {});
}

function allIssues(r: PipelineResult): Issue[] {
  return [...r.issues, ...(r.plan?.issues ?? []), ...(r.plan?.gateways.flatMap((g) => g.issues) ?? [])];
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.severity}|${i.resource ?? ''}|${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function printIssues(issues: Issue[], io: Io): void {
  for (const i of dedupe(issues)) io.err(`${formatIssue(i)}\n`);
}

/** Writes DIR/<gateway>/<files> and DIR/<gateway>/env.json (env names and secret names only). */
export function writeRendered(plan: GatewayPlan, outDir: string): string[] {
  const written: string[] = [];
  if (!plan.rendered) return written;
  const dir = join(outDir, plan.gateway);
  for (const [name, content] of Object.entries(plan.rendered.files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o600 });
    written.push(path);
  }
  const envPath = join(dir, 'env.json');
  writeFileSync(envPath, `${JSON.stringify({ gateway: plan.gateway, env: plan.rendered.env }, null, 2)}\n`, { mode: 0o600 });
  written.push(envPath);
  return written;
}

function planJson(p: GatewayPlan): unknown {
  const rendered = p.rendered;
  return {
    gateway: p.gateway,
    org: p.org,
    runtime: p.effective.runtime,
    port: p.effective.port,
    stateDir: p.effective.stateDir,
    config: rendered && 'config' in rendered ? rendered.config : rendered?.files,
    provenance: rendered && 'provenance' in rendered ? rendered.provenance : undefined,
    env: rendered?.env,
    routing: p.routing,
    policy: p.policy,
    issues: p.issues,
  };
}

function printPlanText(p: GatewayPlan, io: Io): void {
  const errors = p.issues.filter((i) => i.severity === 'error').length;
  io.out(`gateway ${p.gateway} (${p.effective.runtime.kind} ${p.effective.runtime.version}, port ${p.effective.port}, ${p.effective.stateDir})\n`);
  io.out(`  agents: ${p.effective.agents.map((a) => a.agentId).join(', ') || '-'}\n`);
  io.out('  routing:\n');
  for (const r of p.routing) io.out(`    ${r.channel}/${r.accountId}${r.peer ? ` peer ${r.peer.kind}:${r.peer.id}` : ''} → ${r.agentId}  (${r.source})\n`);
  io.out(`  policy: ${p.policy.gateway.scopes.map((s) => `${s.scope}[${s.sources.join(',')}]`).join(' → ')}; remote ${p.policy.gateway.allowRemote ? 'allowed' : 'denied'}\n`);
  io.out(`  env: ${p.rendered?.env.map((e) => `${e.name}←${e.secret}`).join(', ') ?? '-'}\n`);
  io.out(`  issues: ${errors} error(s), ${p.issues.length - errors} other\n`);
}

export function registerOfflineCommands(program: Command, io: Io = stdio): void {
  program
    .command('render')
    .description('render every gateway of a fleet file offline: DIR/<gateway>/openclaw.json + env.json (names only)')
    .requiredOption('-f, --file <fleet>', 'fleet file (YAML or JSON5)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--state-root <dir>', 'root of gateway state dirs used in rendered paths')
    .action((o: { file: string; out: string; stateRoot?: string }) => {
      const r = load(o.file, o.stateRoot, io);
      if (!r) return;
      printIssues(allIssues(r), io);
      for (const p of r.plan?.gateways ?? []) for (const f of writeRendered(p, o.out)) io.out(`wrote ${f}\n`);
      if (!r.ok) process.exitCode = 1;
    });
  program
    .command('plan')
    .description('offline preflight: rendered config, effective policy, routing table and issues per gateway')
    .requiredOption('-f, --file <fleet>', 'fleet file (YAML or JSON5)')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--state-root <dir>', 'root of gateway state dirs used in rendered paths')
    .action((o: { file: string; output: string; stateRoot?: string }) => {
      const r = load(o.file, o.stateRoot, io);
      if (!r) return;
      if (o.output === 'json') {
        io.out(`${JSON.stringify({ ok: r.ok, issues: dedupe([...r.issues, ...(r.plan?.issues ?? [])]), gateways: (r.plan?.gateways ?? []).map(planJson) }, null, 2)}\n`);
      } else {
        for (const p of r.plan?.gateways ?? []) printPlanText(p, io);
        printIssues(allIssues(r), io);
        io.out(r.ok ? 'plan: ok\n' : 'plan: blocked by errors\n');
      }
      if (!r.ok) process.exitCode = 1;
    });
  program
    .command('lint')
    .description('check a fleet file: schema, references, isolation, routing, exposure, trust, policy, OpenClaw schema')
    .requiredOption('-f, --file <fleet>', 'fleet file (YAML or JSON5)')
    .action((o: { file: string }) => {
      const r = load(o.file, undefined, io);
      if (!r) return;
      const issues = dedupe(allIssues(r));
      printIssues(issues, io);
      io.out(`${issues.filter((i) => i.severity === 'error').length} error(s), ${issues.filter((i) => i.severity !== 'error').length} warning(s)\n`);
      if (!r.ok) process.exitCode = 1;
    });
  registerExportCommands(program, io);
}
