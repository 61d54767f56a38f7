// Policy resolution: org → group → gateway → agent. Deny above wins unless that scope delegates the
// category; allow lists narrow; tier limits intersect. Rules documented in docs/policy.md.
import type { FleetIndex, ResourceDoc } from './fleet-index.ts';
import type { Issue } from './issues.ts';
import { type Catalog, type ModelTier, type PackRules, type RiskTier, type SkillSource, matchGlob, modelTierOf, riskOrder } from './policy-catalog.ts';
import type { ScopeKind, SpecOf } from './resources.ts';

export const policyCategories = ['integrations', 'skills', 'models', 'tools', 'plugins'] as const;
export type PolicyCategory = (typeof policyCategories)[number];

/** The rules of one scope: its Policy documents and packs combined. */
export interface ScopeRules {
  kind: ScopeKind;
  /** e.g. `org/acme`, `group/support`, `gateway/gw1`, `agent/helpdesk`. */
  scope: string;
  /** What contributed: `Policy/base`, `pack/public`, … */
  sources: string[];
  allow: Partial<Record<PolicyCategory, string[]>>;
  deny: Partial<Record<PolicyCategory, { pattern: string; source: string }[]>>;
  delegate: Set<PolicyCategory>;
  skillSources?: SkillSource[];
  maxSkillRisk?: RiskTier;
  modelTiers?: ModelTier[];
  allowRemote?: boolean;
  allowSharedHumanGateways?: boolean;
}

export interface Decision {
  category: PolicyCategory | 'skillSource' | 'skillRisk' | 'modelTier';
  item: string;
  allowed: boolean;
  /** Scope that decided, or `default`. */
  scope: string;
  reason: string;
}

export interface EffectivePolicy {
  scopes: { scope: string; sources: string[] }[];
  skillSources: SkillSource[];
  maxSkillRisk: RiskTier;
  modelTiers: ModelTier[];
  allowRemote: boolean;
  allowSharedHumanGateways: boolean;
  /** Most specific allow list per category (undefined: no allow list anywhere). */
  allow: Partial<Record<PolicyCategory, string[]>>;
  /** Every deny pattern in force, in scope order. */
  deny: Record<PolicyCategory, string[]>;
}

function emptyRules(kind: ScopeKind, scope: string): ScopeRules {
  return { kind, scope, sources: [], allow: {}, deny: {}, delegate: new Set() };
}

function intersect<T>(a: T[] | undefined, b: T[] | undefined): T[] | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.filter((x) => b.includes(x));
}

function addRules(r: ScopeRules, p: PackRules & { delegate?: PolicyCategory[] }, source: string): void {
  r.sources.push(source);
  for (const c of policyCategories) {
    const ad = p[c];
    if (!ad) continue;
    if (ad.allow) r.allow[c] = [...(r.allow[c] ?? []), ...ad.allow];
    if (ad.deny) r.deny[c] = [...(r.deny[c] ?? []), ...ad.deny.map((pattern) => ({ pattern, source }))];
  }
  for (const d of p.delegate ?? []) r.delegate.add(d);
  const ss = intersect(r.skillSources, p.skillSources);
  if (ss) r.skillSources = ss;
  if (p.maxSkillRisk && (!r.maxSkillRisk || riskOrder[p.maxSkillRisk] < riskOrder[r.maxSkillRisk])) r.maxSkillRisk = p.maxSkillRisk;
  const mt = intersect(r.modelTiers, p.modelTiers);
  if (mt) r.modelTiers = mt;
  if (p.exposure?.allowRemote !== undefined) r.allowRemote = r.allowRemote === false ? false : p.exposure.allowRemote;
  if (p.sharing?.allowSharedHumanGateways !== undefined) {
    r.allowSharedHumanGateways = r.allowSharedHumanGateways === false ? false : p.sharing.allowSharedHumanGateways;
  }
}

export interface PolicyTarget {
  org: string;
  group?: string;
  gateway: string;
  /** Agent resource name (metadata.name), for agent-scope policies. */
  agent?: string;
}

/** Policies of a fleet grouped by scope, computed once per fleet. */
export interface PolicyIndex {
  at: (kind: ScopeKind, org: string, name: string | undefined) => ResourceDoc[];
  /** Per-fleet memo of built scope rules (scope rules are immutable once built). */
  cache: Map<string, ScopeRules>;
  orgPacks: (org: string) => string[];
  groupPacks: (org: string, group: string) => string[];
}

export function indexPolicies(ix: FleetIndex): PolicyIndex {
  const m = new Map<string, ResourceDoc[]>();
  for (const p of ix.byKind.get('Policy') ?? []) {
    const s = (p.spec as SpecOf<'Policy'>).scope;
    const k = `${s.kind}/${ix.orgOf(p)}/${s.kind === 'org' ? '' : (s.name ?? '')}`;
    const list = m.get(k);
    if (list) list.push(p);
    else m.set(k, [p]);
  }
  for (const list of m.values()) list.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const orgPacks = new Map<string, string[]>();
  for (const o of ix.byKind.get('Organization') ?? []) orgPacks.set(o.metadata.name, (o.spec as SpecOf<'Organization'>).defaults?.policyPacks ?? []);
  const groupPacks = new Map<string, string[]>();
  for (const g of ix.byKind.get('Group') ?? []) groupPacks.set(`${ix.orgOf(g)}/${g.metadata.name}`, (g.spec as SpecOf<'Group'>).defaults?.policyPacks ?? []);
  return {
    cache: new Map(),
    at: (kind, org, name) => m.get(`${kind}/${org}/${kind === 'org' ? '' : (name ?? '')}`) ?? [],
    orgPacks: (org) => orgPacks.get(org) ?? [],
    groupPacks: (org, group) => groupPacks.get(`${org}/${group}`) ?? [],
  };
}

/** The scope chain org → group → gateway → agent for a target, with packs expanded. */
export function policyChain(pix: PolicyIndex, catalog: Catalog, t: PolicyTarget, issues: Issue[] = []): ScopeRules[] {
  const levels: [ScopeKind, string | undefined][] = [['org', t.org], ['group', t.group], ['gateway', t.gateway], ['agent', t.agent]];
  const chain: ScopeRules[] = [];
  for (const [kind, name] of levels) {
    if (name === undefined) continue;
    const cacheKey = `${kind}/${t.org}/${name}`;
    const cached = pix.cache.get(cacheKey);
    if (cached) {
      chain.push(cached);
      continue;
    }
    const r = emptyRules(kind, `${kind}/${name}`);
    const packs = kind === 'org' ? pix.orgPacks(t.org) : kind === 'group' ? pix.groupPacks(t.org, name) : [];
    const policies = pix.at(kind, t.org, name);
    const usePack = (pack: string, by: string): void => {
      const rules = catalog.packs[pack];
      if (rules) addRules(r, rules, `pack/${pack}`);
      else issues.push({ code: 'unknown_policy_pack', path: 'spec.packs', severity: 'error', resource: by, message: `unknown policy pack "${pack}"`, hint: `use one of ${Object.keys(catalog.packs).join(', ')}` });
    };
    for (const p of packs) usePack(p, kind === 'org' ? `Organization/${t.org}` : `Group/${name}`);
    for (const p of policies) {
      const spec = p.spec as SpecOf<'Policy'>;
      for (const pk of spec.packs ?? []) usePack(pk, `Policy/${p.metadata.name}`);
      addRules(r, spec as PackRules & { delegate?: PolicyCategory[] }, `Policy/${p.metadata.name}`);
    }
    pix.cache.set(cacheKey, r);
    chain.push(r);
  }
  return chain;
}

function matches(catalog: Catalog, category: PolicyCategory, pattern: string, item: string): boolean {
  if (matchGlob(pattern, item)) return true;
  if (category === 'tools') {
    const group = catalog.toolGroups.get(pattern);
    if (group?.tools.includes(item)) return true;
  }
  return false;
}

/** Decide one item of one category along the chain. */
export function decide(chain: readonly ScopeRules[], catalog: Catalog, category: PolicyCategory, item: string): Decision {
  let d: Decision = { category, item, allowed: true, scope: 'default', reason: 'no rule applies' };
  if (category === 'integrations' && catalog.integrations.get(item)?.status === 'custom') {
    d = { category, item, allowed: false, scope: 'default', reason: 'custom-only integration: needs an explicit allow' };
  }
  let locked = false;
  for (const r of chain) {
    const deny = r.deny[category]?.find((x) => matches(catalog, category, x.pattern, item));
    const allow = r.allow[category];
    if (deny) {
      if (!locked) {
        d = { category, item, allowed: false, scope: r.scope, reason: `denied by ${deny.source} (${deny.pattern})` };
        locked = !r.delegate.has(category);
      }
    } else if (allow) {
      const hit = allow.find((p) => matches(catalog, category, p, item));
      if (locked) continue;
      if (hit) d = { category, item, allowed: true, scope: r.scope, reason: `allowed by ${r.sources.join(', ')} (${hit})` };
      else {
        d = { category, item, allowed: false, scope: r.scope, reason: `not in the allow list of ${r.scope}` };
        locked = !r.delegate.has(category);
      }
    }
  }
  return d;
}

/** Tier limits and switches along the chain (they only narrow, and `false` above wins). */
export function resolvePolicy(chain: readonly ScopeRules[]): EffectivePolicy {
  let skillSources: SkillSource[] = ['bundled', 'managed', 'workspace', 'shared'];
  let maxSkillRisk: RiskTier = 'high';
  let modelTiers: ModelTier[] = ['default', 'high-cost', 'high-trust'];
  let allowRemote: boolean | undefined;
  let allowShared: boolean | undefined;
  const allow: Partial<Record<PolicyCategory, string[]>> = {};
  const deny: Record<PolicyCategory, string[]> = { integrations: [], skills: [], models: [], tools: [], plugins: [] };
  for (const r of chain) {
    if (r.skillSources) skillSources = skillSources.filter((s) => r.skillSources?.includes(s));
    if (r.maxSkillRisk && riskOrder[r.maxSkillRisk] < riskOrder[maxSkillRisk]) maxSkillRisk = r.maxSkillRisk;
    if (r.modelTiers) modelTiers = modelTiers.filter((t) => r.modelTiers?.includes(t));
    if (r.allowRemote !== undefined) allowRemote = allowRemote === false ? false : r.allowRemote;
    if (r.allowSharedHumanGateways !== undefined) allowShared = allowShared === false ? false : r.allowSharedHumanGateways;
    for (const c of policyCategories) {
      const a = r.allow[c];
      if (a) allow[c] = a;
      for (const x of r.deny[c] ?? []) if (!deny[c].includes(x.pattern)) deny[c].push(x.pattern);
    }
  }
  return {
    scopes: chain.map((r) => ({ scope: r.scope, sources: r.sources })),
    skillSources, maxSkillRisk, modelTiers,
    allowRemote: allowRemote ?? false,
    allowSharedHumanGateways: allowShared ?? false,
    allow, deny,
  };
}

function scopeOf<K extends keyof ScopeRules>(chain: readonly ScopeRules[], key: K, pred: (v: NonNullable<ScopeRules[K]>) => boolean): string {
  for (let i = chain.length - 1; i >= 0; i--) {
    const r = chain[i];
    const v = r?.[key];
    if (r && v !== undefined && pred(v as NonNullable<ScopeRules[K]>)) return r.scope;
  }
  return 'default';
}

/** What an agent uses, checked item by item. */
export interface AgentUsage {
  channels: string[];
  skills: string[];
  models: string[];
  tools: string[];
}

export function usageOf(agent: SpecOf<'Agent'>, channels: string[]): AgentUsage {
  const m = agent.model;
  const models = m === undefined ? [] : typeof m === 'string' ? [m] : [m.primary, ...m.fallbacks];
  return { channels: [...new Set(channels)].sort(), skills: agent.skills ?? [], models, tools: agent.tools?.allow ?? [] };
}

/** Every decision for an agent's usage: which scope decided each item, and why. */
export function decideUsage(chain: readonly ScopeRules[], catalog: Catalog, usage: AgentUsage, eff: EffectivePolicy = resolvePolicy(chain)): Decision[] {
  const out: Decision[] = [];
  for (const c of usage.channels) out.push(decide(chain, catalog, 'integrations', c));
  for (const s of usage.skills) {
    out.push(decide(chain, catalog, 'skills', s));
    const entry = catalog.skills.get(s);
    const source = entry?.source ?? 'workspace';
    const risk = entry?.risk ?? 'medium';
    out.push({
      category: 'skillSource', item: `${s} (${source})`, allowed: eff.skillSources.includes(source),
      scope: eff.skillSources.includes(source) ? 'default' : scopeOf(chain, 'skillSources', (v) => !v.includes(source)),
      reason: eff.skillSources.includes(source) ? `source ${source} allowed` : `skill source ${source} not allowed (allowed: ${eff.skillSources.join(', ') || 'none'})`,
    });
    const riskOk = riskOrder[risk] <= riskOrder[eff.maxSkillRisk];
    out.push({
      category: 'skillRisk', item: `${s} (${risk})`, allowed: riskOk,
      scope: riskOk ? 'default' : scopeOf(chain, 'maxSkillRisk', (v) => riskOrder[v] < riskOrder[risk]),
      reason: riskOk ? `risk ${risk} ≤ ${eff.maxSkillRisk}` : `risk ${risk} above the limit ${eff.maxSkillRisk}`,
    });
  }
  for (const m of usage.models) {
    out.push(decide(chain, catalog, 'models', m));
    const tier = modelTierOf(catalog, m);
    const ok = eff.modelTiers.includes(tier);
    out.push({
      category: 'modelTier', item: `${m} (${tier})`, allowed: ok,
      scope: ok ? 'default' : scopeOf(chain, 'modelTiers', (v) => !v.includes(tier)),
      reason: ok ? `tier ${tier} allowed` : `model tier ${tier} not allowed (allowed: ${eff.modelTiers.join(', ') || 'none'})`,
    });
  }
  for (const t of usage.tools) out.push(decide(chain, catalog, 'tools', t));
  return out;
}

export interface PolicyExplanation {
  target: PolicyTarget;
  scopes: { scope: string; sources: string[] }[];
  effective: EffectivePolicy;
  decisions: Decision[];
}

/** `clawplane policy explain agent/NAME`: the chain, the effective limits and each decision. */
export function explainPolicy(chain: readonly ScopeRules[], catalog: Catalog, target: PolicyTarget, usage: AgentUsage): PolicyExplanation {
  const effective = resolvePolicy(chain);
  return { target, scopes: effective.scopes, effective, decisions: decideUsage(chain, catalog, usage) };
}
