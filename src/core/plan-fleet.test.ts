import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFleet } from './fleet-file.ts';
import type { ResourceDoc } from './effective-gateway.ts';
import { planFleet } from './plan-fleet.ts';

const example = readFileSync(new URL('../../examples/fleet.yaml', import.meta.url), 'utf8');
const opts = { stateDirFor: ({ org, name }: { org: string; name: string }) => `/srv/cp/${org}/${name}`, defaultRuntimeVersion: '2026.9.6' };

function docs(): ResourceDoc[] {
  const p = parseFleet(example, 'fleet.yaml');
  expect(p.issues).toEqual([]);
  return structuredClone(p.documents);
}
function find(ds: ResourceDoc[], kind: string, name: string): { spec: Record<string, unknown>; metadata: ResourceDoc['metadata'] } {
  const d = ds.find((x) => x.kind === kind && x.metadata.name === name);
  if (!d) throw new Error(`${kind}/${name} missing`);
  return d as { spec: Record<string, unknown>; metadata: ResourceDoc['metadata'] };
}
function codes(ds: ResourceDoc[]): string[] {
  const p = planFleet(ds, opts);
  return [...p.issues, ...p.gateways.flatMap((g) => g.issues)].filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.resource ?? ''}`);
}
const doc = (kind: string, name: string, spec: Record<string, unknown>, md: Record<string, string> = {}): ResourceDoc => ({ kind, metadata: { name, org: 'acme', ...md }, spec });

describe('planFleet on examples/fleet.yaml', () => {
  it('plans clean with a routing table and effective policy per gateway', () => {
    const p = planFleet(docs(), opts);
    expect(p.ok).toBe(true);
    expect(p.gateways.map((g) => [g.gateway, g.effective.port])).toEqual([['alice-gw', 18800], ['support-gw', 19000]]);
    const support = p.gateways[1];
    expect(support?.routing.map((r) => `${r.channel}/${r.accountId}${r.peer ? `/${r.peer.id}` : ''}→${r.agentId}`)).toEqual([
      'telegram/supportbot→helpdesk', 'telegram/supportbot/-100200300→triage', 'telegram/triagebot→triage',
    ]);
    expect(support?.policy.gateway.scopes.map((s) => s.scope)).toEqual(['org/acme', 'group/support', 'gateway/support-gw']);
    expect(support?.policy.agents.helpdesk?.effective.maxSkillRisk).toBe('low');
  });
});

describe('preflight catches what must not reach a gateway', () => {
  it('denied integration (names the agent and the deciding scope)', () => {
    const ds = docs();
    find(ds, 'ChannelAccount', 'triage-tg').spec.channel = 'discord';
    const p = planFleet(ds, opts);
    const i = p.gateways[1]?.issues.find((x) => x.code === 'integration_denied');
    expect(i?.resource).toBe('ChannelAccount/triage-tg');
    expect(i?.path).toBe('spec.channel');
    expect(i?.message).toContain('org/acme');
  });
  it('custom-only integration without explicit allow', () => {
    const ds = docs();
    find(ds, 'Policy', 'acme-base').spec.integrations = { allow: ['telegram'] };
    find(ds, 'ChannelAccount', 'alice-tg').spec.channel = 'heygen';
    expect(codes(ds)).toContain('integration_denied ChannelAccount/alice-tg');
  });
  it('disallowed skill source and risk', () => {
    const ds = docs();
    find(ds, 'Agent', 'helpdesk').spec.skills = ['weather', 'tmux'];
    const c = codes(ds);
    expect(c).toContain('skill_risk_denied Agent/helpdesk');
    ds.push(doc('CatalogEntry', 'inhouse', { category: 'skill', id: 'inhouse', source: 'shared', risk: 'low' }));
    find(ds, 'Agent', 'helpdesk').spec.skills = ['inhouse'];
    expect(codes(ds)).toContain('skill_source_denied Agent/helpdesk');
  });
  it('blocked model and model tier; deny above wins unless delegated', () => {
    const ds = docs();
    find(ds, 'Agent', 'triage').spec.model = 'openai/gpt-6-astra';
    expect(codes(ds)).toContain('model_denied Agent/triage');
    // models are delegated by acme-base: an agent-scope allow lifts the org deny, but the public pack's tier limit still blocks
    ds.push(doc('Policy', 'triage-models', { scope: { kind: 'agent', name: 'triage' }, models: { allow: ['openai/*'] } }));
    const c = codes(ds);
    expect(c).not.toContain('model_denied Agent/triage');
    expect(c).toContain('model_tier_denied Agent/triage');
    // integrations are not delegated: a lower allow cannot re-allow discord
    ds.push(doc('Policy', 'triage-discord', { scope: { kind: 'agent', name: 'triage' }, integrations: { allow: ['discord'] } }));
    find(ds, 'ChannelAccount', 'triage-tg').spec.channel = 'discord';
    expect(codes(ds)).toContain('integration_denied ChannelAccount/triage-tg');
  });
  it('denied tool explicitly allowed on an agent', () => {
    const ds = docs();
    find(ds, 'Agent', 'helpdesk').spec.tools = { profile: 'messaging', allow: ['exec'] };
    expect(codes(ds)).toContain('tool_denied Agent/helpdesk');
  });
  it('shared state path and overlapping ports', () => {
    const ds = docs();
    (find(ds, 'Gateway', 'support-gw').spec as { paths?: unknown }).paths = { stateDir: '/srv/cp/acme/alice-gw' };
    find(ds, 'Gateway', 'support-gw').spec.port = 18850;
    const c = codes(ds);
    expect(c).toContain('shared_state_dir Gateway/support-gw');
    expect(c).toContain('port_overlap Gateway/support-gw');
  });
  it('docker gateways each have their own state volume: the same container path is no conflict', () => {
    const ds = docs();
    for (const g of ['support-gw', 'alice-gw']) {
      const spec = find(ds, 'Gateway', g).spec as { paths?: unknown; target?: unknown };
      spec.target = { kind: 'docker' };
      spec.paths = { stateDir: '/home/node/.openclaw' };
    }
    expect(codes(ds).filter((c) => c.startsWith('shared_'))).toEqual([]);
  });
  it('routing conflicts, unrouted accounts and implicit default routes', () => {
    const ds = docs();
    ds.push(doc('Binding', 'dup', { agent: 'helpdesk', match: { channel: 'telegram', accountId: 'supportbot', peer: { kind: 'group', id: '-100200300' } } }, { gateway: 'support-gw' }));
    ds.push(doc('Binding', 'steal', { agent: 'helpdesk', match: { channel: 'telegram', accountId: 'triagebot' } }, { gateway: 'support-gw' }));
    ds.push(doc('Binding', 'implicit', { agent: 'helpdesk', match: { channel: 'telegram' } }, { gateway: 'support-gw' }));
    ds.push(doc('ChannelAccount', 'twin', { channel: 'telegram', accountId: 'supportbot', agent: 'triage' }, { gateway: 'support-gw' }));
    const c = codes(ds);
    expect(c).toContain('binding_conflict Binding/support-vip'); // same match as Binding/dup (sorted first)
    expect(c).toContain('binding_conflict Binding/steal');
    expect(c).toContain('implicit_default_route Binding/implicit');
    expect(c).toContain('duplicate_account ChannelAccount/twin');
  });
  it('unauthenticated remote exposure and remote without policy', () => {
    const ds = docs();
    Object.assign(find(ds, 'Gateway', 'support-gw').spec, { exposure: 'lan', auth: { mode: 'none' } });
    const c = codes(ds);
    expect(c).toContain('unauthenticated_remote Gateway/support-gw');
    expect(c).toContain('remote_not_allowed Gateway/support-gw');
    ds.push(doc('Policy', 'remote', { scope: { kind: 'gateway', name: 'support-gw' }, exposure: { allowRemote: true } }));
    // the group's public pack says allowRemote: false, and a "no" above wins
    expect(codes(ds)).toContain('remote_not_allowed Gateway/support-gw');
    find(ds, 'Group', 'support').spec.defaults = {};
    expect(codes(ds)).not.toContain('remote_not_allowed Gateway/support-gw');
  });
  it('human agent sharing a gateway with another person\'s agent', () => {
    const ds = docs();
    ds.push(doc('Agent', 'bob', { kind: 'human', owner: { id: 'bob@acme.example' } }, { gateway: 'alice-gw' }));
    expect(codes(ds)).toContain('shared_human_gateway Agent/alice');
  });
  it('allocates ports 120 apart when a gateway has none', () => {
    const ds = docs();
    delete find(ds, 'Gateway', 'support-gw').spec.port;
    ds.push(doc('Gateway', 'zz-gw', {}));
    const p = planFleet(ds, opts);
    expect(p.gateways.map((g) => [g.gateway, g.effective.port])).toEqual([['alice-gw', 18800], ['support-gw', 18920], ['zz-gw', 19040]]);
  });
});
