// Render + validate + plan time for a large org (1,000 gateways × 10 agents) and a small one (50 agents).
// Run: node bench/render.ts (or via npm run bench). Goal: ≤ 2 s for the large org (schema compile,
// a one-time ~4-7 s cost per process, is reported separately).
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { renderOpenClawConfig } from '../src/adapters/openclaw/render.ts';
import { createOpenClawSchemaValidator } from '../src/adapters/openclaw/schema-validate.ts';
import type { ResourceDoc } from '../src/core/effective-gateway.ts';
import { planFleet } from '../src/core/plan-fleet.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const VERSION = '2026.9.6';

export function syntheticFleet(gateways: number, agentsPerGateway: number): ResourceDoc[] {
  const docs: ResourceDoc[] = [
    { kind: 'Organization', metadata: { name: 'bench' }, spec: { displayName: 'Bench', portRange: { from: 10000, to: 65000 } } },
    { kind: 'Group', metadata: { name: 'g', org: 'bench' }, spec: { defaults: { policyPacks: ['internal-automation'] } } },
    { kind: 'Policy', metadata: { name: 'base', org: 'bench' }, spec: { scope: { kind: 'org' }, integrations: { allow: ['telegram', 'slack'] }, models: { deny: ['openai/gpt-6-*'] } } },
    { kind: 'ConfigTemplate', metadata: { name: 'base', org: 'bench' }, spec: { scope: { kind: 'org' }, priority: 0, content: '{ logging: { level: "info" }, agents: { defaults: { $include: "d.json5" } } }', files: { 'd.json5': '{ timeoutSeconds: 600 }' } } },
  ];
  for (let g = 0; g < gateways; g++) {
    const gw = `gw-${g}`;
    docs.push({ kind: 'Gateway', metadata: { name: gw, org: 'bench', group: 'g' }, spec: { profile: 'usecase', exposure: 'loopback', desiredState: 'running', drift: 'restore', target: { kind: 'kubernetes' } } });
    for (let a = 0; a < agentsPerGateway; a++) {
      const agent = `a-${g}-${a}`;
      docs.push({ kind: 'Agent', metadata: { name: agent, org: 'bench', gateway: gw }, spec: { kind: 'usecase', model: 'anthropic/claude-sonnet-4-6', skills: ['weather'], tools: { profile: 'messaging' } } });
      docs.push({ kind: 'ChannelAccount', metadata: { name: `acc-${g}-${a}`, org: 'bench', gateway: gw }, spec: { channel: 'telegram', accountId: `bot${a}`, agent, credentials: { botToken: { secretRef: `tg-${g}-${a}` } } } });
    }
  }
  return docs;
}

function run(label: string, gateways: number, agents: number, validator: ReturnType<typeof createOpenClawSchemaValidator>): void {
  const docs = syntheticFleet(gateways, agents);
  const opts = { stateDirFor: ({ org, name }: { org: string; name: string }) => `/srv/bench/${org}/${name}`, defaultRuntimeVersion: VERSION };
  let t = performance.now();
  const plan = planFleet(docs, opts);
  const planMs = performance.now() - t;
  t = performance.now();
  const rendered = plan.gateways.map((g) => renderOpenClawConfig(g.effective));
  const renderMs = performance.now() - t;
  t = performance.now();
  let invalid = 0;
  for (const r of rendered) if (validator.validate(r.config, VERSION).length > 0) invalid++;
  const validateMs = performance.now() - t;
  const total = planMs + renderMs + validateMs;
  const planRender = planMs + renderMs;
  const errors = plan.gateways.reduce((n, g) => n + g.issues.filter((i) => i.severity === 'error').length, 0);
  process.stdout.write(`${label}: ${gateways} gateways × ${agents} agents: plan ${planMs.toFixed(0)} ms, render ${renderMs.toFixed(0)} ms, validate ${validateMs.toFixed(0)} ms, total ${total.toFixed(0)} ms${total <= 2000 ? ' (≤ 2 s ok)' : ` (over 2 s; plan+render ${planRender.toFixed(0)} ms)`}; plan errors ${errors}, schema-invalid ${invalid}\n`);
}

if (process.argv[1]?.endsWith('render.ts')) benchRender();
export function benchRender(): void {
  // Maglev keeps recompiling ajv's ~10 MB validate function of the OpenClaw schema: 1,000 validations
  // take ~30 s with it and ~0.2 s without. Long-running processes should run with --no-maglev too.
  setFlagsFromString('--no-maglev');
  const validator = createOpenClawSchemaValidator(join(repo, 'schemas'));
  const t0 = performance.now();
  validator.validate({}, VERSION);
  process.stdout.write(`schema compile (once per process): ${(performance.now() - t0).toFixed(0)} ms\n`);
  run('small org', 5, 10, validator);
  run('large org', 1000, 10, validator);
}
