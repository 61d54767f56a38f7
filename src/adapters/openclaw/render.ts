// Render the real `openclaw.json` (OpenClaw 2026.9.x) of one gateway from its effective model,
// then merge its ConfigTemplate layers on top. Credentials only ever appear as SecretRefs; their
// values reach the gateway through its environment (the `env` manifest names them).
import { type JsonObject, type JsonValue, collectEnvReferences, formatConfigPath, isPlainObject, mergeLayers } from '../../core/config-layers.ts';
import type { Issue } from '../../core/issues.ts';
import type { EffectiveAgent, EffectiveGateway } from '../../core/model.ts';
import type { EffectivePolicy } from '../../core/policy.ts';
import type { RenderedGateway } from '../../core/ports/claw-adapter.ts';

export const RENDER_SOURCE = 'clawplane:render';
export const GATEWAY_TOKEN_ENV = 'OPENCLAW_GATEWAY_TOKEN';
export const GATEWAY_PASSWORD_ENV = 'OPENCLAW_GATEWAY_PASSWORD';

export interface RenderedOpenClaw extends RenderedGateway {
  config: JsonObject;
  /** Leaf path → `clawplane:render` or `ConfigTemplate/<name> (file)`. */
  provenance: Record<string, string>;
}

export function secretRefFor(envName: string): JsonObject {
  return { source: 'env', provider: 'default', id: envName };
}

/** `telegram` + `support-bot` + `botToken` → `TELEGRAM_SUPPORT_BOT_BOT_TOKEN`. */
export function credentialEnvName(channel: string, accountId: string, field: string): string {
  const part = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  return `${part(channel)}_${part(accountId)}_${part(field)}`.replace(/^[^A-Z]+/, '').replace(/_+/g, '_').slice(0, 128);
}

/** Fields OpenClaw treats as credentials: they must be SecretRefs (or `${VAR}`), never literals. */
const CREDENTIAL_KEYS = new Set(['token', 'password', 'botToken', 'appToken', 'userToken', 'signingSecret', 'webhookSecret', 'apiKey', 'accessToken', 'secret', 'clientSecret']);

function modelOf(agent: EffectiveAgent): JsonValue | undefined {
  const m = agent.spec.model;
  if (m === undefined) return undefined;
  return typeof m === 'string' ? m : { primary: m.primary, fallbacks: [...m.fallbacks] };
}

function modelsOf(agent: EffectiveAgent): string[] {
  const m = agent.spec.model;
  return m === undefined ? [] : typeof m === 'string' ? [m] : [m.primary, ...m.fallbacks];
}

function renderAgent(agent: EffectiveAgent, policy: EffectivePolicy | undefined): JsonObject {
  const e: JsonObject = { workspace: agent.workspace, agentDir: agent.agentDir };
  const s = agent.spec;
  if (s.displayName) e.name = s.displayName;
  if (s.purpose) e.description = s.purpose;
  const model = modelOf(agent);
  if (model !== undefined) e.model = model;
  if (policy?.allow.models) {
    const allow = [...new Set([...modelsOf(agent).filter((m) => !policy.deny.models.includes(m)), ...policy.allow.models])];
    e.modelPolicy = { allow };
  }
  if (s.skills) e.skills = [...s.skills];
  const tools: JsonObject = {};
  if (s.tools?.profile) tools.profile = s.tools.profile;
  if (s.tools?.allow) tools.allow = [...s.tools.allow];
  const deny = [...new Set([...(s.tools?.deny ?? []), ...(policy?.deny.tools ?? [])])];
  if (deny.length > 0) tools.deny = deny;
  if (Object.keys(tools).length > 0) e.tools = tools;
  if (s.sandbox) {
    const sb: JsonObject = { mode: s.sandbox.mode };
    if (s.sandbox.scope) sb.scope = s.sandbox.scope;
    if (s.sandbox.workspaceAccess) sb.workspaceAccess = s.sandbox.workspaceAccess;
    e.sandbox = sb;
  }
  return e;
}

const bindOf: Record<EffectiveGateway['spec']['exposure'], string> = { loopback: 'loopback', lan: 'lan', tailnet: 'tailnet' };

/** The config Clawplane itself generates, before templates. */
export function renderBaseConfig(g: EffectiveGateway): { config: JsonObject; env: RenderedGateway['env']; issues: Issue[] } {
  const env: RenderedGateway['env'] = [];
  const issues: Issue[] = [];
  const authMode = g.spec.auth?.mode ?? 'token';
  const auth: JsonObject = { mode: authMode };
  if (authMode === 'token') {
    auth.token = secretRefFor(GATEWAY_TOKEN_ENV);
    env.push({ name: GATEWAY_TOKEN_ENV, secret: g.spec.env?.[GATEWAY_TOKEN_ENV]?.secretRef ?? `${g.name}-gateway-token`, field: 'gateway.auth.token' });
  } else if (authMode === 'password') {
    auth.password = secretRefFor(GATEWAY_PASSWORD_ENV);
    env.push({ name: GATEWAY_PASSWORD_ENV, secret: g.spec.env?.[GATEWAY_PASSWORD_ENV]?.secretRef ?? `${g.name}-gateway-password`, field: 'gateway.auth.password' });
  }
  const config: JsonObject = {
    gateway: { mode: 'local', port: g.port, bind: bindOf[g.spec.exposure], auth },
  };

  const agents: JsonObject = {};
  const entries: JsonObject = {};
  for (const a of g.agents) entries[a.agentId] = renderAgent(a, g.policy?.agents[a.agentId]);
  if (g.agents.length > 1) {
    agents.ownership = 'explicit';
    const owner = g.agents[0]?.agentId ?? 'main';
    agents.defaults = { heartbeat: { agentId: owner }, systemAgent: { agentId: owner } };
  }
  if (g.agents.length > 0) {
    agents.entries = entries;
    config.agents = agents;
  }

  const channels: Record<string, JsonObject> = {};
  for (const acc of g.accounts) {
    const { channel, accountId } = acc.spec;
    const ch = (channels[channel] ??= { enabled: true, accounts: {} });
    const account: JsonObject = { ...((acc.spec.settings ?? {}) as JsonObject) };
    for (const [field, ref] of Object.entries(acc.spec.credentials ?? {})) {
      const name = credentialEnvName(channel, accountId, field);
      account[field] = secretRefFor(name);
      env.push({ name, secret: ref.secretRef, field: formatConfigPath(['channels', channel, 'accounts', accountId, field]), agent: acc.spec.agent });
    }
    (ch.accounts as JsonObject)[accountId] = account;
  }
  if (Object.keys(channels).length > 0) config.channels = channels;

  for (const [name, ref] of Object.entries(g.spec.env ?? {})) {
    if (!env.some((e) => e.name === name)) env.push({ name, secret: ref.secretRef, field: '' });
  }

  const agentIdByName = new Map(g.agents.map((a) => [a.name, a.agentId]));
  const bindings: JsonObject[] = [];
  const explicit = new Set<string>();
  for (const b of g.bindings) {
    const agentId = agentIdByName.get(b.spec.agent);
    if (!agentId || b.spec.match.accountId === undefined) continue;
    const match: JsonObject = { channel: b.spec.match.channel, accountId: b.spec.match.accountId };
    if (b.spec.match.peer) match.peer = { ...b.spec.match.peer };
    if (b.spec.match.guildId) match.guildId = b.spec.match.guildId;
    if (b.spec.match.teamId) match.teamId = b.spec.match.teamId;
    if (!b.spec.match.peer && !b.spec.match.guildId && !b.spec.match.teamId) explicit.add(`${b.spec.match.channel}/${b.spec.match.accountId}`);
    bindings.push({ agentId, comment: `Binding/${b.name}`, match });
  }
  for (const acc of g.accounts) {
    const agentId = agentIdByName.get(acc.spec.agent);
    if (!agentId || explicit.has(`${acc.spec.channel}/${acc.spec.accountId}`)) continue;
    bindings.push({ agentId, comment: `ChannelAccount/${acc.name}`, match: { channel: acc.spec.channel, accountId: acc.spec.accountId } });
  }
  if (bindings.length > 0) config.bindings = bindings;

  const gp = g.policy?.gateway;
  if (gp && (gp.allow.plugins || gp.deny.plugins.length > 0)) {
    const plugins: JsonObject = {};
    if (gp.allow.plugins) plugins.allow = [...gp.allow.plugins];
    if (gp.deny.plugins.length > 0) plugins.deny = [...gp.deny.plugins];
    config.plugins = plugins;
  }
  config.logging = { file: `${g.stateDir}/logs/openclaw.log` };
  config.update = { checkOnStart: false, auto: { enabled: false } };
  config.models = { catalogRefresh: { enabled: false } };
  return { config, env, issues };
}

function isSecretRef(v: JsonValue | undefined): boolean {
  return isPlainObject(v) && typeof v.source === 'string' && typeof v.id === 'string';
}

/** Literal credentials anywhere in the final config (e.g. written by a template) are refused. */
export function findPlaintextSecrets(v: JsonValue, segs: string[] = [], out: string[] = []): string[] {
  if (isPlainObject(v)) {
    for (const k in v) {
      const x = v[k] as JsonValue;
      if (CREDENTIAL_KEYS.has(k)) {
        if (typeof x === 'string' && !/^\$\{[A-Z_][A-Z0-9_]*\}$/.test(x)) out.push(formatConfigPath([...segs, k]));
        if (typeof x === 'string' || isSecretRef(x)) continue;
      }
      if (x !== null && typeof x === 'object') {
        segs.push(k);
        findPlaintextSecrets(x, segs, out);
        segs.pop();
      }
    }
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => {
      segs.push(String(i));
      findPlaintextSecrets(x, segs, out);
      segs.pop();
    });
  }
  return out;
}

/** Render openclaw.json: base config, then templates (org → group → gateway → agent), then safety checks. */
export function renderOpenClawConfig(g: EffectiveGateway): RenderedOpenClaw {
  const base = renderBaseConfig(g);
  const merged = mergeLayers([
    { source: RENDER_SOURCE, content: base.config },
    ...g.layers.map((l) => {
      const layer: Parameters<typeof mergeLayers>[0][number] = { source: l.source, content: l.content };
      if (l.files) layer.files = l.files;
      if (l.scope === 'agent' && l.agentId) layer.at = ['agents', 'entries', l.agentId];
      return layer;
    }),
  ]);
  const issues: Issue[] = [...base.issues, ...merged.issues.map((i) => ({ ...i, resource: i.resource ?? `Gateway/${g.name}` }))];
  const cfg = merged.value;
  const res = `Gateway/${g.name}`;
  for (const path of findPlaintextSecrets(cfg)) {
    issues.push({ code: 'plaintext_secret', severity: 'error', resource: merged.provenance.get(path) ?? res, path, message: `${path} holds a literal credential`, hint: 'use a ChannelAccount credential secretRef or a SecretRef {source:"env",provider:"default",id:"NAME"}' });
  }
  const gw = isPlainObject(cfg.gateway) ? cfg.gateway : {};
  const bind = typeof gw.bind === 'string' ? gw.bind : 'auto';
  const authMode = isPlainObject(gw.auth) && typeof gw.auth.mode === 'string' ? gw.auth.mode : 'none';
  if (bind !== bindOf[g.spec.exposure]) {
    issues.push({ code: 'exposure_override', severity: 'error', resource: merged.provenance.get('gateway.bind') ?? res, path: 'gateway.bind', message: `a template sets gateway.bind to "${bind}" but Gateway/${g.name} has exposure ${g.spec.exposure}`, hint: 'change exposure on the Gateway (policy-checked), not in a template' });
  }
  if (bind !== 'loopback' && authMode === 'none') {
    issues.push({ code: 'unauthenticated_remote', severity: 'error', resource: res, path: 'gateway.auth.mode', message: `gateway.bind ${bind} without auth`, hint: 'use token or password auth' });
  }
  const known = new Set(base.env.map((e) => e.name));
  for (const ref of collectEnvReferences(cfg)) {
    if (!known.has(ref.name)) issues.push({ code: 'unmanaged_env', severity: 'warning', resource: merged.provenance.get(ref.path) ?? res, path: ref.path, message: `\${${ref.name}} is not provided by any Secret of this gateway`, hint: `add ${ref.name} to Gateway spec.env with a secretRef` });
  }
  return {
    files: { 'openclaw.json': `${JSON.stringify(cfg, null, 2)}\n`, ...renderWorkspaceFiles(g) },
    env: base.env,
    issues,
    config: cfg,
    provenance: Object.fromEntries(merged.provenance),
  };
}

const PERSONALITY_FILES = { soul: 'SOUL.md', agents: 'AGENTS.md', identity: 'IDENTITY.md', user: 'USER.md' } as const;

/**
 * Seed each agent's workspace bootstrap files (SOUL.md, AGENTS.md, IDENTITY.md, USER.md) from its
 * spec: personality texts, else a short default from its purpose or owner. Paths are relative to
 * the state dir (workspaces live under it).
 */
export function renderWorkspaceFiles(g: EffectiveGateway): Record<string, string> {
  const files: Record<string, string> = {};
  for (const a of g.agents) {
    if (!a.workspace.startsWith(`${g.stateDir}/`)) continue;
    const dir = a.workspace.slice(g.stateDir.length + 1);
    const p = a.spec.personality ?? {};
    const name = a.spec.displayName ?? a.agentId;
    const defaults: Record<keyof typeof PERSONALITY_FILES, string | undefined> = {
      soul: undefined,
      agents: undefined,
      identity: `# Identity\n\nName: ${name}\n`,
      user: a.spec.kind === 'human' && a.spec.owner ? `# User\n\nYou work for ${a.spec.owner.displayName ?? a.spec.owner.id}${a.spec.owner.email ? ` <${a.spec.owner.email}>` : ''}.\n` : a.spec.purpose ? `# Purpose\n\n${a.spec.purpose}\n` : undefined,
    };
    for (const [key, file] of Object.entries(PERSONALITY_FILES) as [keyof typeof PERSONALITY_FILES, string][]) {
      const text = p[key] ?? defaults[key];
      if (text !== undefined) files[`${dir}/${file}`] = text.endsWith('\n') ? text : `${text}\n`;
    }
  }
  return files;
}
