// Ports and services the use cases receive from the composition root (src/main.ts).
import type { AgentTurnOutcome } from '../core/agent-turn.ts';
import type { Issue } from '../core/issues.ts';
import type { FleetDocument } from '../core/fleet-file.ts';
import type { DeviceAction, DeviceList } from '../core/ports/devices.ts';
import type { GatewayStats } from '../core/ports/runtime.ts';
import type { Store } from '../core/ports/store.ts';
import type { EventBus } from './event-bus.ts';
import type { IdentityOptions } from './identity-options.ts';

export interface AppDeps {
  store: Store;
  events: EventBus;
  now: () => Date;
  newId: () => string;
  /**
   * Semantic preflight of an organization's complete desired state (rendering, isolation,
   * routing, policy). Errors block apply.
   */
  preflight?: (org: string, documents: FleetDocument[]) => Issue[];
  /** Called after commit for every changed resource (the reconciler enqueues gateways). */
  onChange?: (change: { org: string; kind: string; name: string; gateway?: string }) => void;
  runtime?: GatewayRuntimeOps;
  system?: SystemOps;
  /** Values of `provider: local` Secrets, kept encrypted by the secrets layer. */
  secretValues?: LocalSecretValues;
  runtimes?: RuntimeVersionOps;
  /** Passwords, sessions and SSO (defaults when absent: OWASP scrypt, 30 min idle / 12 h sessions, no SSO). */
  identity?: IdentityOptions;
  /** Device pairing on running gateways (wired to the OpenClaw adapter in the composition root). */
  devices?: GatewayDeviceOps;
  /**
   * Per gateway of an org's documents: a fingerprint of what would be deployed (rendered files,
   * runtime, port, target, resources) and its runtime version. Rollouts use it to find what a change affects.
   */
  fingerprintGateways?: (org: string, documents: FleetDocument[]) => Record<string, GatewayFingerprint>;
  rollouts?: RolloutOps;
  /** Live agent turns on running gateways (`clawplane agents test`, ADR 0015). */
  agentTurns?: AgentTurnOps;
}

/** One live agent turn on a running gateway (wired to the OpenClaw adapter). Never throws for a failed turn. */
export interface AgentTurnOps {
  run(org: string, gateway: string, turn: { agentId: string; message: string; timeoutMs: number }): Promise<AgentTurnOutcome>;
}

export interface GatewayFingerprint {
  /** Rendered files, runtime, port, target, resources. */
  hash: string;
  /** Rendered files only (filesFingerprint), to compare with a revision. */
  filesHash: string;
  runtimeVersion: string;
  /** OpenClaw agent ids of the gateway's agents. */
  agents: string[];
}

/** The rollout controller as the use cases see it (ADR 0010). */
export interface RolloutOps {
  /** Failed rollouts of a runtime version after which it is blocked until an admin clears it. */
  breakerThreshold: number;
  /** Process rollouts now (after a start or a control verb) instead of at the next tick. */
  kick(): void;
}

/** Device pairing through a gateway's control protocol. Throws AppError when the gateway is not reachable. */
export interface GatewayDeviceOps {
  list(org: string, gateway: string): Promise<DeviceList>;
  act(org: string, gateway: string, action: DeviceAction): Promise<Record<string, unknown>>;
}

/** A value namespace of the local store: the org's (empty), a gateway's or an agent's. */
export interface SecretNamespace {
  gateway?: string;
  agent?: string;
}

/** The local (encrypted) secrets store as the use cases see it: values go in, never come out. */
export interface LocalSecretValues {
  set(org: string, name: string, value: string, scope?: SecretNamespace): Promise<void>;
  /** Returns true when a value was deleted. */
  delete(org: string, name: string, scope?: SecretNamespace): Promise<boolean>;
  /** Metadata only: when the value was last written and how many times. */
  describe(org: string, name: string, scope?: SecretNamespace): Promise<{ updatedAt: string; version: number } | undefined>;
  /** Every value of the org in every namespace ('' | 'gateway/NAME' | 'agent/NAME'), metadata only. */
  entries(org: string): Promise<{ name: string; scope: string; updatedAt: string; version: number }[]>;
  /** Delete every value of one gateway or agent namespace; returns the names deleted. */
  purgeScope(org: string, scope: SecretNamespace): Promise<string[]>;
}

/** What lifecycle verbs need from the runtime side (wired to the reconciler and drivers in main.ts). */
export interface GatewayRuntimeOps {
  kill(org: string, name: string): Promise<void>;
  /** Stop the gateway and remove its runtime state, archiving it; returns where the archive is. */
  destroy(org: string, name: string): Promise<{ archive?: string }>;
  logs(org: string, name: string, opts: { tailLines?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<string>;
  /** CPU / memory / pids of the running gateway, asked of its driver now (undefined: the driver cannot tell). */
  stats?(org: string, name: string): Promise<GatewayStats | undefined>;
  /** The background sampler's last figures for the gateway (no I/O; undefined when not running or not sampled yet). */
  sampledStats?(org: string, name: string): { stats: GatewayStats; at: string } | undefined;
  /** Archive and remove an agent's workspace and agent dir on its gateway; returns the archive path. */
  archiveAgent(org: string, gateway: string, agentId: string): Promise<string | undefined>;
  /**
   * Replace the gateway's own auth token in the local store with a new random one and enqueue the
   * gateway (its start env changes, so the reconciler restarts it). Returns the token's new version.
   */
  rotateGatewayToken?(org: string, name: string): Promise<{ version: number }>;
  /**
   * Rotate the gateway's own token and wait until it runs ready with it (rolling restarts: the
   * caller does one gateway at a time). A stopped gateway only gets the new token.
   */
  rollGatewayToken?(org: string, name: string, opts: { timeoutMs: number }): Promise<{ version: number; restarted: boolean; ready: boolean; message?: string }>;
  /**
   * What a diagnostic exec needs to know first: the gateway's observed phase on its target and
   * the secret values in its env (to redact them from the audited argv; never stored or returned).
   */
  execContext?(org: string, name: string): Promise<{ phase: string; target: string; canExec: boolean; secretValues: string[]; /** Why the desired state (and so the secret values) could not be loaded. */ unresolved?: string }>;
  /** Run an argv in the running gateway's environment (ADR 0014). Output capped; killed at the timeout. */
  exec?(org: string, name: string, command: string[], opts: { timeoutMs: number }): Promise<GatewayExecOutput>;
  /** When the gateway's own token was last written (for scheduled rotation). */
  gatewayTokenInfo?(org: string, name: string): Promise<{ updatedAt: string; version: number } | undefined>;
}

export interface GatewayExecOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated?: boolean;
  timedOut?: boolean;
}

export interface SystemOps {
  /** Stop the control plane; with stopGateways, stop every gateway first. Returns the gateway ids stopped. */
  shutdown(opts: { stopGateways: boolean }): Promise<{ stopped: string[] }>;
}

export interface RuntimeVersionInfo {
  kind: string;
  version: string;
  path: string;
}

export interface RuntimeVersionOps {
  install(kind: string, version: string): Promise<RuntimeVersionInfo>;
  list(): Promise<RuntimeVersionInfo[]>;
  remove(kind: string, version: string): Promise<boolean>;
}
