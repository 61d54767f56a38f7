// Preflight checks that block a deploy: isolation, routing, exposure, trust and policy.
// Pure: effective models and policy chains in, Issue[] (and the routing table) out.
import { PORT_SPACING } from './effective-gateway.ts';
import type { Issue } from './issues.ts';
import type { EffectiveGateway } from './model.ts';
import type { Catalog } from './policy-catalog.ts';
import { type Decision, type EffectivePolicy, type ScopeRules, decideUsage, usageOf } from './policy.ts';

function err(code: string, resource: string, path: string, message: string, hint: string): Issue {
  return { code, severity: 'error', resource, path, message, hint };
}
function warn(code: string, resource: string, path: string, message: string, hint: string): Issue {
  return { code, severity: 'warning', resource, path, message, hint };
}

function isUnder(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

/** Host a gateway's ports and paths live on: every process/docker gateway shares the local host. */
function hostOf(g: EffectiveGateway): string {
  return g.target.kind === 'kubernetes' ? `k8s:${g.org}/${g.name}` : 'local';
}

/**
 * Filesystem a gateway's state dir, workspaces and agentDirs live in: process gateways share the
 * host's; a docker or kubernetes gateway has its own (a state volume per container, ADR 0008), so
 * two of them may both use /home/node/.openclaw.
 */
function pathSpaceOf(g: EffectiveGateway): string {
  return g.target.kind === 'process' ? 'local' : `${g.target.kind}:${g.org}/${g.name}`;
}

/** Unique state dir / config path / workspaces / agentDirs, and ports spaced ≥120 on one host. */
export function checkIsolation(gateways: readonly EffectiveGateway[]): Issue[] {
  const issues: Issue[] = [];
  const sorted = [...gateways].sort((a, b) => pathSpaceOf(a).localeCompare(pathSpaceOf(b)) || a.stateDir.localeCompare(b.stateDir));
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i];
    const b = sorted[i + 1];
    if (!a || !b || pathSpaceOf(a) !== pathSpaceOf(b)) continue;
    if (isUnder(b.stateDir, a.stateDir)) {
      issues.push(err('shared_state_dir', `Gateway/${b.name}`, 'spec.paths.stateDir',
        a.stateDir === b.stateDir ? `state dir ${b.stateDir} is also used by Gateway/${a.name}` : `state dir ${b.stateDir} is inside the state dir of Gateway/${a.name}`,
        'give every gateway its own state dir (remove spec.paths.stateDir to use the default layout)'));
    }
  }
  const paths = new Map<string, string>();
  const claim = (path: string, owner: string, resource: string, field: string, what: string): void => {
    const prev = paths.get(path);
    if (prev && prev !== owner) issues.push(err(`shared_${what}`, resource, field, `${what.replace('_', ' ')} ${path.slice(path.indexOf('\0') + 1)} is also used by ${prev}`, 'every agent needs its own workspace and agentDir; set a unique agentId'));
    else paths.set(path, owner);
  };
  for (const g of gateways) {
    const space = pathSpaceOf(g);
    for (const a of g.agents) {
      claim(`${space}\0${a.workspace}`, `Agent/${a.name}`, `Agent/${a.name}`, 'spec.agentId', 'workspace');
      claim(`${space}\0${a.agentDir}`, `Agent/${a.name}`, `Agent/${a.name}`, 'spec.agentId', 'agent_dir');
    }
    const ids = new Map<string, string>();
    for (const a of g.agents) {
      const prev = ids.get(a.agentId);
      if (prev) issues.push(err('duplicate_agent_id', `Agent/${a.name}`, 'spec.agentId', `agent id "${a.agentId}" is also used by Agent/${prev} on Gateway/${g.name}`, 'agent ids must be unique within a gateway'));
      else ids.set(a.agentId, a.name);
    }
  }
  const byHost = new Map<string, EffectiveGateway[]>();
  for (const g of gateways) {
    const list = byHost.get(hostOf(g));
    if (list) list.push(g);
    else byHost.set(hostOf(g), [g]);
  }
  for (const list of byHost.values()) {
    const ps = [...list].sort((a, b) => a.port - b.port || a.name.localeCompare(b.name));
    for (let i = 0; i + 1 < ps.length; i++) {
      const a = ps[i];
      const b = ps[i + 1];
      if (a && b && b.port - a.port < PORT_SPACING) {
        issues.push(err('port_overlap', `Gateway/${b.name}`, 'spec.port',
          `port ${b.port} is within ${PORT_SPACING} of Gateway/${a.name} (port ${a.port}); OpenClaw derives browser/CDP ports up to base+110`,
          `use a port ≥ ${a.port + PORT_SPACING} or leave spec.port empty to allocate one`));
      }
    }
  }
  return issues;
}

export interface RouteEntry {
  channel: string;
  accountId: string;
  peer?: { kind: string; id: string };
  guildId?: string;
  teamId?: string;
  agentId: string;
  /** `Binding/x`, or `ChannelAccount/y` for the route implied by an account's agent. */
  source: string;
}

/** Account→agent routes, explicit bindings, conflicts. Returns the effective routing table. */
export function checkRouting(g: EffectiveGateway): { issues: Issue[]; routes: RouteEntry[] } {
  const issues: Issue[] = [];
  const agentIdByName = new Map(g.agents.map((a) => [a.name, a.agentId]));
  const accounts = new Map<string, string>();
  for (const a of g.accounts) {
    const key = `${a.spec.channel}/${a.spec.accountId}`;
    const prev = accounts.get(key);
    if (prev) issues.push(err('duplicate_account', `ChannelAccount/${a.name}`, 'spec.accountId', `${key} is also defined by ChannelAccount/${prev}: an account maps to exactly one agent`, 'remove one of the two accounts or give it another accountId'));
    else accounts.set(key, a.name);
    if (!agentIdByName.has(a.spec.agent)) issues.push(err('unknown_agent', `ChannelAccount/${a.name}`, 'spec.agent', `agent "${a.spec.agent}" is not on Gateway/${g.name}`, 'point the account at an agent of the same gateway'));
  }
  const routes: RouteEntry[] = [];
  const byKey = new Map<string, RouteEntry>();
  const keyOf = (r: Omit<RouteEntry, 'agentId' | 'source'>): string => JSON.stringify([r.channel, r.accountId, r.peer?.kind ?? '', r.peer?.id ?? '', r.guildId ?? '', r.teamId ?? '']);
  for (const b of g.bindings) {
    const res = `Binding/${b.name}`;
    const agentId = agentIdByName.get(b.spec.agent);
    if (!agentId) {
      issues.push(err('unknown_agent', res, 'spec.agent', `agent "${b.spec.agent}" is not on Gateway/${g.name}`, 'bind to an agent of the same gateway'));
      continue;
    }
    const m = b.spec.match;
    if (m.accountId === undefined) {
      issues.push(err('implicit_default_route', res, 'spec.match.accountId', 'a binding without accountId routes the channel\'s default account implicitly', 'name the account (spec.match.accountId) or use "*" to route the whole channel explicitly'));
      continue;
    }
    if (m.accountId !== '*' && !accounts.has(`${m.channel}/${m.accountId}`)) {
      issues.push(err('unknown_account', res, 'spec.match.accountId', `no ChannelAccount ${m.channel}/${m.accountId} on Gateway/${g.name}`, 'create the ChannelAccount or fix the match'));
    }
    if (m.accountId === '*' && ![...accounts.keys()].some((k) => k.startsWith(`${m.channel}/`))) {
      issues.push(warn('wildcard_without_accounts', res, 'spec.match', `wildcard route for ${m.channel} but no ${m.channel} account on Gateway/${g.name}`, 'remove the binding or add an account'));
    }
    const entry: RouteEntry = { channel: m.channel, accountId: m.accountId, agentId, source: res };
    if (m.peer) entry.peer = m.peer;
    if (m.guildId) entry.guildId = m.guildId;
    if (m.teamId) entry.teamId = m.teamId;
    const k = keyOf(entry);
    const prev = byKey.get(k);
    if (prev) {
      issues.push(prev.agentId === agentId
        ? warn('duplicate_binding', res, 'spec.match', `same match as ${prev.source}`, 'remove the duplicate binding')
        : err('binding_conflict', res, 'spec.match', `matches the same ${m.channel}/${m.accountId}${m.peer ? ` peer ${m.peer.kind}:${m.peer.id}` : ''} as ${prev.source} but routes to "${agentId}" instead of "${prev.agentId}"`, 'make the matches distinct (peer, guildId, teamId) or remove one binding'));
      continue;
    }
    byKey.set(k, entry);
    routes.push(entry);
  }
  for (const a of g.accounts) {
    const agentId = agentIdByName.get(a.spec.agent);
    if (!agentId) continue;
    const entry: RouteEntry = { channel: a.spec.channel, accountId: a.spec.accountId, agentId, source: `ChannelAccount/${a.name}` };
    const explicit = byKey.get(keyOf(entry));
    if (explicit) {
      if (explicit.agentId !== agentId) {
        issues.push(err('binding_conflict', explicit.source, 'spec.agent', `routes ${a.spec.channel}/${a.spec.accountId} to "${explicit.agentId}" but ChannelAccount/${a.name} belongs to "${agentId}"`, 'an account maps to exactly one agent: bind it to its own agent, or move the account'));
      }
      continue;
    }
    byKey.set(keyOf(entry), entry);
    routes.push(entry);
  }
  routes.sort((x, y) => `${x.channel}/${x.accountId}/${x.peer?.id ?? ''}`.localeCompare(`${y.channel}/${y.accountId}/${y.peer?.id ?? ''}`));
  return { issues, routes };
}

/** Loopback unless policy allows remote; never remote without token/password auth. */
export function checkExposure(g: EffectiveGateway, policy: EffectivePolicy): Issue[] {
  const issues: Issue[] = [];
  const res = `Gateway/${g.name}`;
  const auth = g.spec.auth?.mode ?? 'token';
  if (g.spec.exposure !== 'loopback') {
    if (auth === 'none') issues.push(err('unauthenticated_remote', res, 'spec.auth.mode', `exposure ${g.spec.exposure} with auth "none" would let anyone on the network drive the gateway`, 'set spec.auth.mode to token or password'));
    if (!policy.allowRemote) issues.push(err('remote_not_allowed', res, 'spec.exposure', `exposure ${g.spec.exposure} is not allowed by policy (${policy.scopes.map((s) => s.scope).join(' → ')})`, 'use exposure loopback, or allow it with a Policy exposure.allowRemote: true'));
  } else if (auth === 'none') {
    issues.push(warn('no_auth', res, 'spec.auth.mode', 'auth "none" on loopback: any local process can drive the gateway', 'use token auth'));
  }
  return issues;
}

/** Human-coupled agents are isolated; use-case agents share only when trust level and profile permit. */
export function checkTrust(g: EffectiveGateway, policy: EffectivePolicy): Issue[] {
  const issues: Issue[] = [];
  const humans = g.agents.filter((a) => a.spec.kind === 'human');
  const others = g.agents.filter((a) => a.spec.kind !== 'human');
  const owners = new Set(humans.map((a) => a.spec.owner?.id ?? ''));
  if (humans.length > 0 && g.agents.length > 1 && !policy.allowSharedHumanGateways) {
    const h = humans[0];
    if (h && (owners.size > 1 || others.length > 0)) {
      const strangers = g.agents.filter((a) => a !== h && (a.spec.kind !== 'human' || a.spec.owner?.id !== h.spec.owner?.id));
      issues.push(err('shared_human_gateway', `Agent/${h.name}`, 'metadata.gateway',
        `human agent of ${h.spec.owner?.id ?? '?'} shares Gateway/${g.name} with ${strangers.map((a) => `Agent/${a.name}`).join(', ')}`,
        'give each person\'s agent its own gateway, or allow it with a Policy sharing.allowSharedHumanGateways: true'));
    }
  }
  if (g.spec.profile === 'human' && others.length > 0) {
    issues.push(err('usecase_on_human_gateway', `Gateway/${g.name}`, 'spec.profile', `profile human but hosts use-case agents ${others.map((a) => a.name).join(', ')}`, 'move use-case agents to a usecase gateway'));
  }
  if (g.spec.trustLevel === 'strict' && others.length > 1) {
    issues.push(err('strict_gateway_shared', `Gateway/${g.name}`, 'spec.trustLevel', `trust level strict allows one use-case agent, found ${others.length}`, 'split the agents or use trustLevel standard/shared'));
  }
  return issues;
}

function decisionIssue(d: Decision, agentName: string, path: string): Issue {
  const codes: Record<Decision['category'], string> = {
    integrations: 'integration_denied', skills: 'skill_denied', skillSource: 'skill_source_denied', skillRisk: 'skill_risk_denied',
    models: 'model_denied', modelTier: 'model_tier_denied', tools: 'tool_denied', plugins: 'plugin_denied',
  };
  return err(codes[d.category], `Agent/${agentName}`, path, `${d.item}: ${d.reason} [decided at ${d.scope}]`, 'remove it, or change the Policy at that scope (a deny above can only be lifted where it is delegated)');
}

/** Policy violations of each agent: integrations, skills (source, risk), models (tier), tools. */
export function checkPolicy(g: EffectiveGateway, catalog: Catalog, chainFor: (agentName: string) => ScopeRules[]): { issues: Issue[]; decisions: Record<string, Decision[]> } {
  const issues: Issue[] = [];
  const decisions: Record<string, Decision[]> = {};
  for (const a of g.agents) {
    const channels = g.accounts.filter((x) => x.spec.agent === a.name).map((x) => x.spec.channel);
    const usage = usageOf(a.spec, channels);
    const ds = decideUsage(chainFor(a.name), catalog, usage);
    decisions[a.agentId] = ds;
    for (const d of ds) {
      if (d.allowed) continue;
      const item = d.item.split(' (')[0] ?? d.item;
      if (d.category === 'integrations') {
        for (const acc of g.accounts.filter((x) => x.spec.agent === a.name && x.spec.channel === item)) {
          issues.push({ ...decisionIssue(d, a.name, 'spec.channel'), resource: `ChannelAccount/${acc.name}`, message: `${d.item} (agent ${a.name}): ${d.reason} [decided at ${d.scope}]` });
        }
        continue;
      }
      const path = d.category === 'skills' || d.category === 'skillSource' || d.category === 'skillRisk' ? `spec.skills[${usage.skills.indexOf(item)}]`
          : d.category === 'models' || d.category === 'modelTier' ? 'spec.model'
            : `spec.tools.allow[${usage.tools.indexOf(item)}]`;
      issues.push(decisionIssue(d, a.name, path));
    }
    for (const c of new Set(channels)) {
      if (!catalog.integrations.has(c)) issues.push(warn('unknown_integration', `Agent/${a.name}`, 'ChannelAccount.spec.channel', `channel "${c}" is not in the catalog`, 'add a CatalogEntry (category integration) for it'));
    }
    for (const m of usage.models) {
      const provider = m.split('/')[0] ?? '';
      if (!m.includes('/')) issues.push(err('invalid_model_ref', `Agent/${a.name}`, 'spec.model', `model "${m}" is not a provider/model ref`, 'write models as provider/model, e.g. anthropic/claude-sonnet-4-6'));
      else if (!catalog.providers.has(provider)) issues.push(warn('unknown_provider', `Agent/${a.name}`, 'spec.model', `provider "${provider}" is not in the catalog`, 'add a CatalogEntry (category model) for the provider'));
    }
  }
  return { issues, decisions };
}
