// RuntimeDriver port: one per target (process, docker, kubernetes). Drivers know how to run a
// rendered gateway; they know nothing about Clawplane resources beyond GatewayDeployment.
export interface GatewayDeployment {
  /** Stable id: `<org>--<gateway>`. */
  id: string;
  org: string;
  gateway: string;
  /** Kubernetes target: namespace (target.namespace), exposure and hosts for the egress allowlist. */
  kubernetes?: { namespace?: string; exposure?: 'loopback' | 'lan' | 'tailnet'; egressHosts?: string[] };
  runtime: { kind: 'openclaw' | 'nanoclaw'; version: string };
  port: number;
  /** Rendered config files, path relative to the gateway's state dir → content. */
  files: Record<string, string>;
  /** Environment for the gateway process (secret values included: never log it). */
  env: Record<string, string>;
  /** Hash of files + runtime + env names/values: changes mean the gateway needs the new spec. */
  specHash: string;
  resources?: { memoryMiB?: number; cpus?: number };
  /**
   * Container image for container targets (docker, kubernetes): a reference, optionally with a
   * `{version}` placeholder or a digest pin. Unset: the driver's default for runtime.version.
   */
  image?: string;
}

export type ObservedPhase = 'running' | 'starting' | 'stopped' | 'exited' | 'missing';

export interface ObservedGateway {
  id: string;
  phase: ObservedPhase;
  pid?: number;
  specHash?: string;
  startedAt?: string;
  exitCode?: number | null;
  restarts?: number;
  port?: number;
}

export interface LogOptions {
  tailLines?: number;
  follow?: boolean;
  signal?: AbortSignal;
}

export interface GatewayStats {
  cpuPercent?: number;
  memoryBytes?: number;
  pids?: number;
  /** Restarts of the gateway counted by the driver. */
  restarts?: number;
  /** Why CPU / memory are missing, e.g. a Kubernetes cluster without a metrics API (metrics-server). */
  unavailable?: string;
}

/** Result of a diagnostic command run inside the gateway's environment (container exec). */
export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout or stderr was cut at the driver's output limit. */
  truncated?: boolean;
  /** The command was killed at its timeout. */
  timedOut?: boolean;
}

/**
 * `code` of the error a driver (the target router) throws when the gateway's target has no driver on
 * this control plane (e.g. kubernetes without CLAWPLANE_KUBECONFIG). The reconciler marks the gateway
 * failed (Degraded/TargetUnavailable) instead of retrying, and never deploys it elsewhere.
 */
export const TARGET_UNAVAILABLE = 'TARGET_UNAVAILABLE';

/** Readiness as the target itself sees it (Kubernetes: the pod's Ready condition). */
export interface DriverHealth {
  live: boolean;
  ready: boolean;
  error?: string;
}

/** A gateway process/container ended (crash, kill, or stop). */
export interface GatewayExitEvent {
  id: string;
  pid?: number;
  exitCode: number | null;
  signal: string | null;
  /** ISO time the driver saw the exit. */
  at: string;
}

/** A one-shot command of the runtime's own CLI, run the way the gateway runs (ADR 0010). */
export interface RuntimeExecRequest {
  /** The runtime build to use (the gateway's pinned version). */
  runtime: { kind: 'openclaw' | 'nanoclaw'; version: string };
  /** Container targets: the gateway's image template (GatewayDeployment.image); unset: the driver's default. */
  image?: string;
  /** CLI arguments, e.g. ["doctor", "--json"]; never a shell string. */
  args: string[];
  /** The gateway's env (secret values included: never logged); the driver adds HOME, state and config dir. */
  env: Record<string, string>;
  timeoutMs: number;
}

export interface RuntimeExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RuntimeDriver {
  readonly target: 'process' | 'docker' | 'kubernetes';
  observe(id: string): Promise<ObservedGateway>;
  observeAll(): Promise<ObservedGateway[]>;
  /** Write files and (re)start so the gateway runs `deployment`. Idempotent. */
  start(deployment: GatewayDeployment): Promise<ObservedGateway>;
  /** Update files in place without a restart (hot reload by the gateway). */
  writeFiles(deployment: GatewayDeployment): Promise<void>;
  /** Graceful stop (SIGTERM, then SIGKILL after graceMs). */
  stop(id: string, opts?: { graceMs?: number }): Promise<void>;
  kill(id: string): Promise<void>;
  /** Stop and delete everything; returns the archive path when state was archived. */
  remove(id: string, opts?: { archive?: boolean }): Promise<{ archive?: string }>;
  /**
   * Archive paths inside the gateway's state dir (relative, e.g. an agent's workspace) into one
   * restorable archive, then delete them. Returns the archive path, or undefined when none existed.
   */
  archivePaths?(id: string, relPaths: string[], label: string): Promise<string | undefined>;
  /** Current content of the config file on the target (for drift detection). */
  readConfig(id: string): Promise<string | undefined>;
  logs(id: string, opts?: LogOptions): AsyncIterable<string>;
  stats?(id: string): Promise<GatewayStats>;
  /**
   * Run a diagnostic command (argument array, e.g. ["openclaw", "--version"], no shell) in the
   * running gateway's environment (its env, HOME, state and config dir). Output is capped; the
   * command is killed at the timeout. Throws "... is not running" when the gateway does not run.
   */
  execCommand?(id: string, command: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /**
   * Health observed by the target instead of an HTTP probe from the control plane (which may not
   * reach the gateway: pods behind a NetworkPolicy in a remote cluster). Kubernetes: the pod's
   * Ready condition, set by the kubelet's readiness probe on /readyz (ADR 0014).
   * Drivers without it (or answering undefined) are probed over HTTP at endpoint().
   */
  observeHealth?(id: string): Promise<DriverHealth | undefined>;
  /** Where the gateway is reachable from the control plane. */
  endpoint(id: string, port: number): { host: string; port: number };
  /** State dir as the gateway sees it (rendered paths are rooted here). */
  stateDirFor(id: string): string;
  /**
   * Run the runtime's CLI against the gateway's own HOME, state and config dir (doctor, backup).
   * Output is capped; the command is killed at the timeout.
   */
  exec?(id: string, req: RuntimeExecRequest): Promise<RuntimeExecResult>;
  /** Where state backups of the gateway go, as exec'd commands see it (created on demand). */
  backupDir?(id: string): Promise<string>;
  /**
   * Stop the gateway and replace its state dir with the one saved in a backup archive (made by the
   * runtime's `backup create`). The next start runs on the restored state.
   */
  restoreState?(id: string, archive: string): Promise<void>;
  /** Optional push notification of exits the driver sees (observe() stays the source of truth). */
  onExit?(listener: (event: GatewayExitEvent) => void): () => void;
}
