// Built-in catalogs, seeded from what the pinned OpenClaw ships (generated data files under
// src/core/catalog/, see scripts/generate-catalog.ts), extended by an org's CatalogEntry resources.
import integrationsData from './catalog/integrations.json' with { type: 'json' };
import modelsData from './catalog/models.json' with { type: 'json' };
import packsData from './catalog/policy-packs.json' with { type: 'json' };
import pluginsData from './catalog/plugins.json' with { type: 'json' };
import skillsData from './catalog/skills.json' with { type: 'json' };
import toolsData from './catalog/tools.json' with { type: 'json' };
import type { SpecOf } from './resources.ts';

export type RiskTier = 'low' | 'medium' | 'high';
export type SkillSource = 'bundled' | 'managed' | 'workspace' | 'shared';
export type ModelTier = 'default' | 'high-cost' | 'high-trust';

export interface CatalogItem {
  id: string;
  displayName?: string;
  status?: string;
  installMethod?: string;
  tier?: string;
  owner?: string;
  source?: SkillSource;
  risk?: RiskTier;
  provenance?: { source?: string; version?: string };
}

export interface Catalog {
  integrations: Map<string, CatalogItem>;
  skills: Map<string, CatalogItem>;
  plugins: Map<string, CatalogItem & { channelIds?: string[]; providerIds?: string[] }>;
  providers: Map<string, CatalogItem & { plugin?: string }>;
  models: Map<string, CatalogItem>;
  modelTierPatterns: { pattern: string; tier: ModelTier }[];
  toolGroups: Map<string, { tools: string[]; risk: RiskTier }>;
  /** Channel id → id of the plugin that provides it (bundled) or the external package to install. */
  packs: Record<string, PackRules>;
}

export interface PackRules {
  description?: string;
  integrations?: { allow?: string[]; deny?: string[] };
  skills?: { allow?: string[]; deny?: string[] };
  models?: { allow?: string[]; deny?: string[] };
  tools?: { allow?: string[]; deny?: string[] };
  plugins?: { allow?: string[]; deny?: string[] };
  skillSources?: SkillSource[];
  maxSkillRisk?: RiskTier;
  modelTiers?: ModelTier[];
  exposure?: { allowRemote?: boolean };
  sharing?: { allowSharedHumanGateways?: boolean };
}

function byId<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((x) => [x.id, x]));
}

/** The built-in catalog plus CatalogEntry specs (later entries override built-ins with the same id). */
export function buildCatalog(entries: readonly SpecOf<'CatalogEntry'>[] = []): Catalog {
  const packs: Record<string, PackRules> = {};
  for (const [k, v] of Object.entries(packsData)) if (!k.startsWith('$')) packs[k] = v as PackRules;
  const catalog: Catalog = {
    integrations: byId(integrationsData as CatalogItem[]),
    skills: byId(skillsData as CatalogItem[]),
    plugins: byId(pluginsData as (CatalogItem & { channelIds?: string[]; providerIds?: string[] })[]),
    providers: byId(modelsData.providers as (CatalogItem & { plugin?: string })[]),
    models: new Map(),
    modelTierPatterns: modelsData.modelTiers as { pattern: string; tier: ModelTier }[],
    toolGroups: new Map(toolsData.groups.map((g) => [g.id, { tools: g.tools, risk: g.risk as RiskTier }])),
    packs,
  };
  for (const e of entries) {
    const item: CatalogItem = { id: e.id };
    if (e.displayName) item.displayName = e.displayName;
    if (e.status) item.status = e.status;
    if (e.installMethod) item.installMethod = e.installMethod;
    if (e.tier) item.tier = e.tier;
    if (e.owner) item.owner = e.owner;
    if (e.source) item.source = e.source;
    if (e.risk) item.risk = e.risk;
    if (e.provenance) item.provenance = e.provenance;
    if (e.category === 'integration') catalog.integrations.set(e.id, item);
    else if (e.category === 'skill') catalog.skills.set(e.id, item);
    else if (e.category === 'plugin') catalog.plugins.set(e.id, item);
    else if (e.category === 'model') {
      if (e.id.includes('/')) catalog.models.set(e.id, item);
      else catalog.providers.set(e.id, item);
    }
  }
  return catalog;
}

const globCache = new Map<string, RegExp>();
/** `*` matches any run of characters; everything else is literal. */
export function matchGlob(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    globCache.set(pattern, re);
  }
  return re.test(value);
}

/** Tier of a `provider/model` ref: CatalogEntry model → tier pattern → provider tier → default. */
export function modelTierOf(catalog: Catalog, ref: string): ModelTier {
  const exact = catalog.models.get(ref)?.tier;
  if (exact) return exact as ModelTier;
  const p = catalog.modelTierPatterns.find((t) => matchGlob(t.pattern, ref));
  if (p) return p.tier;
  const provider = ref.split('/')[0] ?? '';
  return (catalog.providers.get(provider)?.tier as ModelTier | undefined) ?? 'default';
}

export const riskOrder: Record<RiskTier, number> = { low: 0, medium: 1, high: 2 };
