// Hosts a gateway needs to reach, derived from its agents' models and its channel accounts.
// Used for egress allowlists (Kubernetes NetworkPolicy + an annotation for FQDN-aware CNIs) and
// documented in generated READMEs. Unknown providers are listed as `provider:<name>`.
import type { EffectiveGateway } from '../model.ts';

const MODEL_HOSTS: Record<string, string[]> = {
  anthropic: ['api.anthropic.com'],
  openai: ['api.openai.com'],
  google: ['generativelanguage.googleapis.com'],
  gemini: ['generativelanguage.googleapis.com'],
  mistral: ['api.mistral.ai'],
  openrouter: ['openrouter.ai'],
  groq: ['api.groq.com'],
  xai: ['api.x.ai'],
  deepseek: ['api.deepseek.com'],
};

const CHANNEL_HOSTS: Record<string, string[]> = {
  telegram: ['api.telegram.org'],
  discord: ['discord.com', 'gateway.discord.gg'],
  slack: ['slack.com', 'wss-primary.slack.com'],
  whatsapp: ['web.whatsapp.com', 'g.whatsapp.net'],
  signal: ['chat.signal.org'],
  msteams: ['login.microsoftonline.com', 'smba.trafficmanager.net'],
  matrix: [],
};

/** Local providers (ollama, lmstudio, …) run inside the network: no public host. */
const LOCAL_PROVIDERS = new Set(['ollama', 'lmstudio', 'vllm', 'local']);

function modelsOf(g: EffectiveGateway): string[] {
  const out: string[] = [];
  for (const a of g.agents) {
    const m = a.spec.model;
    if (typeof m === 'string') out.push(m);
    else if (m) out.push(m.primary, ...m.fallbacks);
  }
  return out;
}

export function egressHostsFor(g: EffectiveGateway): string[] {
  const hosts = new Set<string>();
  for (const model of modelsOf(g)) {
    const provider = model.includes('/') ? model.slice(0, model.indexOf('/')) : model;
    if (LOCAL_PROVIDERS.has(provider)) continue;
    const known = MODEL_HOSTS[provider];
    if (known) for (const h of known) hosts.add(h);
    else hosts.add(`provider:${provider}`);
  }
  for (const a of g.accounts) {
    const known = CHANNEL_HOSTS[a.spec.channel];
    if (known) for (const h of known) hosts.add(h);
    else hosts.add(`channel:${a.spec.channel}`);
  }
  return [...hosts].sort();
}
