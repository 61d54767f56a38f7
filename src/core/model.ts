// The effective model of one gateway: everything its runtime config is rendered from.
// Built by core/effective-gateway.ts from stored resources (org → group → gateway → agent).
import type { Issue } from './issues.ts';
import type { EffectivePolicy } from './policy.ts';
import type { SpecOf } from './resources.ts';

export interface ConfigLayer {
  /** `ConfigTemplate/<name>` or a built-in layer name such as `clawplane:base`. */
  source: string;
  scope: 'builtin' | 'org' | 'group' | 'gateway' | 'agent';
  /** For agent-scope layers: the agent id the layer's content is rooted at (agents.entries.<id>). */
  agentId?: string;
  content: string;
  files?: Record<string, string>;
}

export interface EffectiveAgent {
  name: string;
  agentId: string;
  spec: SpecOf<'Agent'>;
  workspace: string;
  agentDir: string;
}

export interface EffectiveAccount {
  name: string;
  spec: SpecOf<'ChannelAccount'>;
}

export interface EffectiveBinding {
  name: string;
  spec: SpecOf<'Binding'>;
}

export interface EffectiveGateway {
  org: string;
  name: string;
  group?: string;
  spec: SpecOf<'Gateway'>;
  runtime: { kind: 'openclaw' | 'nanoclaw'; version: string };
  target: { kind: 'process' | 'docker' | 'kubernetes'; image?: string; namespace?: string };
  port: number;
  /** Absolute state dir as the gateway sees it (depends on the target). */
  stateDir: string;
  agents: EffectiveAgent[];
  accounts: EffectiveAccount[];
  bindings: EffectiveBinding[];
  layers: ConfigLayer[];
  issues: Issue[];
  /** Resolved policy (set by core/plan-fleet.ts); renderers turn it into allow/deny config. */
  policy?: { gateway: EffectivePolicy; agents: Record<string, EffectivePolicy> };
}
