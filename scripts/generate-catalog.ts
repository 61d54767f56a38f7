// Regenerates the built-in catalogs in src/core/catalog/*.json from what the pinned OpenClaw really
// ships: `openclaw channels list --all --json`, `plugins list --json`, `skills list --json` and the
// tool-group table of docs/gateway/config-tools/tool-policy.md, plus src/core/catalog/overrides.json
// (facts OpenClaw does not ship as data: model tiers, skill risk, custom-only integrations).
// Usage: node scripts/generate-catalog.ts [version]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtimesDir = process.env.CLAWPLANE_RUNTIMES_DIR ?? join(root, '.tools', 'runtimes');
const pins = JSON.parse(readFileSync(join(root, 'openclaw-versions.json'), 'utf8')) as { default: string };
const version = process.argv[2] ?? pins.default;
const pkg = join(runtimesDir, 'openclaw', version, 'node_modules', 'openclaw');
const catalogDir = join(root, 'src', 'core', 'catalog');
const overrides = JSON.parse(readFileSync(join(catalogDir, 'overrides.json'), 'utf8')) as {
  customIntegrations: Record<string, unknown>[];
  thirdPartyChannels: string[];
  providerTiers: Record<string, string>;
  modelTiers: Record<string, string>;
  skillRisk: Record<string, string>;
  toolRisk: Record<string, string>;
};
const provenance = { source: `openclaw@${version}`, version };

const scratch = mkdtempSync(join(tmpdir(), 'clawplane-catalog-'));
function oc(args: string[]): unknown {
  const state = join(scratch, 'state');
  const res = spawnSync(process.execPath, [join(pkg, 'openclaw.mjs'), ...args], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '', HOME: join(scratch, 'home'), OPENCLAW_STATE_DIR: state, OPENCLAW_CONFIG_PATH: join(state, 'openclaw.json'), OPENCLAW_OFFLINE: '1' },
  });
  if (res.status !== 0) throw new Error(`openclaw ${args.join(' ')} failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

interface Plugin { id: string; name?: string; description?: string; origin: string; enabled: boolean; channelIds: string[]; providerIds: string[]; toolNames: string[] }
interface Skill { name: string; description?: string; source: string; bundled: boolean; missing?: { bins?: string[]; env?: string[] } }

try {
  const channels = (oc(['channels', 'list', '--all', '--json']) as { chat: Record<string, { label: string; docsPath?: string }> }).chat;
  const plugins = (oc(['plugins', 'list', '--json']) as { plugins: Plugin[] }).plugins;
  const skills = (oc(['skills', 'list', '--json']) as { skills: Skill[] }).skills;

  const bundledChannels = new Set(plugins.filter((p) => p.origin === 'bundled').flatMap((p) => p.channelIds));
  const thirdParty = new Set(overrides.thirdPartyChannels);
  const integrations = [
    ...Object.entries(channels).sort(([a], [b]) => a.localeCompare(b)).map(([id, c]) => ({
      id, displayName: c.label, kind: 'channel',
      status: bundledChannels.has(id) ? 'core' : 'plugin',
      installMethod: bundledChannels.has(id) ? 'bundled' : thirdParty.has(id) ? 'third-party plugin' : `openclaw plugins install @openclaw/${id}`,
      tier: bundledChannels.has(id) ? 'default' : thirdParty.has(id) ? 'high-trust' : 'default',
      owner: bundledChannels.has(id) || !thirdParty.has(id) ? 'openclaw' : 'third-party',
      docsPath: c.docsPath, provenance,
    })),
    ...overrides.customIntegrations.map((c) => ({ kind: 'custom', ...c, provenance: { source: 'clawplane overrides.json', version } })),
  ];

  const pluginEntries = plugins.sort((a, b) => a.id.localeCompare(b.id)).map((p) => ({
    id: p.id, displayName: p.name ?? p.id, status: 'core', installMethod: 'bundled', enabledByDefault: p.enabled,
    channelIds: p.channelIds, providerIds: p.providerIds, toolNames: p.toolNames, owner: 'openclaw', provenance,
  }));

  const providers = plugins.flatMap((p) => p.providerIds.map((id) => ({ id, plugin: p.id, tier: overrides.providerTiers[id] ?? 'default', owner: 'openclaw', provenance })))
    .sort((a, b) => a.id.localeCompare(b.id));
  const models = { providers, modelTiers: Object.entries(overrides.modelTiers).map(([pattern, tier]) => ({ pattern, tier })) };

  const sourceOf: Record<string, string> = { 'openclaw-bundled': 'bundled', 'openclaw-custodian': 'managed', 'openclaw-extra': 'shared' };
  const skillEntries = skills.sort((a, b) => a.name.localeCompare(b.name)).map((s) => {
    const needsBins = (s.missing?.bins?.length ?? 0) > 0;
    const needsEnv = (s.missing?.env?.length ?? 0) > 0;
    return {
      id: s.name, displayName: s.name, description: s.description, source: sourceOf[s.source] ?? 'shared', openclawSource: s.source,
      risk: overrides.skillRisk[s.name] ?? (needsBins ? 'medium' : needsEnv ? 'medium' : 'low'), owner: 'openclaw', provenance,
    };
  });

  const doc = readFileSync(join(pkg, 'docs', 'gateway', 'config-tools', 'tool-policy.md'), 'utf8');
  const groups: { id: string; tools: string[]; risk: string }[] = [];
  for (const line of doc.split('\n')) {
    const m = /^\|\s*`(group:[a-z-]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const tools = [...new Set([...m[2].matchAll(/`([a-z_]+)`/g)].map((x) => x[1] ?? '').filter(Boolean))];
    groups.push({ id: m[1], tools, risk: overrides.toolRisk[m[1]] ?? 'medium' });
  }
  const tools = { profiles: ['minimal', 'coding', 'messaging', 'full'], sandboxModes: ['off', 'non-main', 'all'], groups, provenance };

  const write = (name: string, value: unknown): void => {
    writeFileSync(join(catalogDir, name), `${JSON.stringify(value, null, 1)}\n`);
    process.stdout.write(`wrote src/core/catalog/${name}\n`);
  };
  write('integrations.json', integrations);
  write('plugins.json', pluginEntries);
  write('skills.json', skillEntries);
  write('models.json', models);
  write('tools.json', tools);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
