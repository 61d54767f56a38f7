import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFleet } from './fleet-file.ts';
import { indexFleet, type ResourceDoc } from './effective-gateway.ts';
import { buildCatalog, matchGlob, modelTierOf } from './policy-catalog.ts';
import { explainAgentPolicy } from './policy-explain.ts';
import { decide, indexPolicies, policyChain, resolvePolicy } from './policy.ts';

const docs = parseFleet(readFileSync(new URL('../../examples/fleet.yaml', import.meta.url), 'utf8'), 'fleet.yaml').documents;
const pol = (name: string, scope: Record<string, string>, spec: Record<string, unknown>): ResourceDoc => ({ kind: 'Policy', metadata: { name, org: 'acme' }, spec: { scope, ...spec } });

describe('catalog', () => {
  it('is seeded from OpenClaw 2026.9.6 and extended by CatalogEntry', () => {
    const c = buildCatalog([{ category: 'skill', id: 'inhouse', source: 'shared', risk: 'low' }]);
    expect(c.integrations.get('telegram')).toMatchObject({ status: 'core', installMethod: 'bundled' });
    expect(c.integrations.get('slack')).toMatchObject({ status: 'plugin', installMethod: 'openclaw plugins install @openclaw/slack' });
    expect(c.integrations.get('notion')?.status).toBe('custom');
    expect(c.skills.get('weather')).toMatchObject({ source: 'bundled', provenance: { version: '2026.9.6' } });
    expect(c.skills.get('inhouse')).toMatchObject({ source: 'shared' });
    expect(c.toolGroups.get('group:runtime')?.tools).toContain('exec');
    expect(modelTierOf(c, 'ollama/llama3.2')).toBe('high-trust');
    expect(modelTierOf(c, 'anthropic/claude-opus-4-6')).toBe('high-cost');
    expect(modelTierOf(c, 'openai/gpt-5.4')).toBe('default');
    expect(matchGlob('openai/gpt-6-*', 'openai/gpt-6-astra')).toBe(true);
  });
});

describe('resolution', () => {
  const catalog = buildCatalog();
  const chainFor = (extra: ResourceDoc[], agent = 'triage'): ReturnType<typeof policyChain> =>
    policyChain(indexPolicies(indexFleet([...docs, ...extra])), catalog, { org: 'acme', group: 'support', gateway: 'support-gw', agent });

  it('a deny above wins over an allow below unless delegated', () => {
    const down = [pol('a', { kind: 'agent', name: 'triage' }, { tools: { allow: ['exec'] } })];
    expect(decide(chainFor(down), catalog, 'tools', 'exec')).toMatchObject({ allowed: false, scope: 'group/support' });
    const delegated = [...down, pol('g', { kind: 'group', name: 'support' }, { delegate: ['tools'] })];
    expect(decide(chainFor(delegated), catalog, 'tools', 'exec')).toMatchObject({ allowed: true, scope: 'agent/triage' });
  });
  it('allow lists narrow and lower denies always apply', () => {
    expect(decide(chainFor([]), catalog, 'integrations', 'discord')).toMatchObject({ allowed: false, scope: 'org/acme' });
    const deny = [pol('d', { kind: 'gateway', name: 'support-gw' }, { integrations: { deny: ['telegram'] } })];
    expect(decide(chainFor(deny), catalog, 'integrations', 'telegram')).toMatchObject({ allowed: false, scope: 'gateway/support-gw' });
  });
  it('limits intersect and false above wins', () => {
    const eff = resolvePolicy(chainFor([pol('x', { kind: 'agent', name: 'triage' }, { exposure: { allowRemote: true }, modelTiers: ['default', 'high-cost'], maxSkillRisk: 'high' })]));
    expect(eff).toMatchObject({ allowRemote: false, modelTiers: ['default'], maxSkillRisk: 'low', skillSources: ['bundled'] });
  });
});

describe('explainAgentPolicy', () => {
  it('shows the chain and which scope decided each item', () => {
    const e = explainAgentPolicy(docs, 'alice');
    expect(e?.scopes.map((s) => s.scope)).toEqual(['org/acme', 'group/people', 'gateway/alice-gw', 'agent/alice']);
    expect(e?.scopes[1]?.sources).toEqual(['pack/human']);
    const notion = e?.decisions.find((d) => d.category === 'skills' && d.item === 'notion');
    expect(notion).toMatchObject({ allowed: true, scope: 'agent/alice' });
    expect(e?.decisions.find((d) => d.category === 'integrations')).toMatchObject({ item: 'telegram', allowed: true, scope: 'org/acme' });
    expect(explainAgentPolicy(docs, 'nobody')).toBeUndefined();
  });
});
