// ClawAdapter port: what the control plane needs from a Claw runtime kind (OpenClaw, NanoClaw).
import type { Issue } from '../issues.ts';
import type { EffectiveGateway } from '../model.ts';

export interface RenderedGateway {
  /** Files relative to the gateway state dir, e.g. {"openclaw.json": "..."}. */
  files: Record<string, string>;
  /** Names of env vars the gateway needs at start, and where each value comes from. */
  env: { name: string; secret: string; field: string; /** The Agent (resource name) the value is for: resolved in its namespace first. */ agent?: string }[];
  issues: Issue[];
}

export interface HealthReport {
  live: boolean;
  ready: boolean;
  version?: string;
  failing?: string[];
  agents?: string[];
  channels?: Record<string, { configured: boolean; running: boolean; connected?: boolean; lastError?: string | null }>;
  error?: string;
}

/**
 * Has the running gateway applied the config file it has now (hot reload done, not refused)?
 * `fileHash` identifies the file as the gateway last read it (opaque; changes when it reads a new one).
 */
export interface ConfigApplied {
  state: 'applied' | 'pending' | 'invalid' | 'unknown';
  message?: string;
  fileHash?: string;
}

export interface ClawAdapter {
  readonly kind: 'openclaw' | 'nanoclaw';
  render(gateway: EffectiveGateway): RenderedGateway;
  probe(endpoint: { host: string; port: number }, token: string, opts?: { deep?: boolean; timeoutMs?: number }): Promise<HealthReport>;
}
