// What one gateway looks like as a container, for every container target that Clawplane
// generates files for (Kubernetes manifests, Compose projects). Pure: inputs in, values out.
//
// Layout inside the container (same on every container target):
//   /etc/openclaw            rendered files, read-only (openclaw.json + workspace seeds)
//   /home/node/.openclaw     state (a volume: PVC / named volume)
//   /home/node, /tmp         small writable scratch (emptyDir / tmpfs); the root fs is read-only
import type { EffectiveGateway } from '../model.ts';
import { egressHostsFor } from './egress-hosts.ts';

export const CONTAINER_HOME = '/home/node';
export const CONTAINER_STATE_DIR = '/home/node/.openclaw';
export const CONTAINER_CONFIG_DIR = '/etc/openclaw';
export const CONTAINER_CONFIG_FILE = 'openclaw.json';
export const CONTAINER_UID = 1000;
export const DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/openclaw/openclaw';
export const GATEWAY_TOKEN_ENV = 'OPENCLAW_GATEWAY_TOKEN';

/** Default image of a runtime version; a Gateway/Group/Org `target.image` overrides it. */
export function defaultGatewayImage(version: string): string {
  return `${DEFAULT_IMAGE_REPOSITORY}:${version}`;
}

export interface GatewayContainerSpec {
  org: string;
  gateway: string;
  group?: string;
  image: string;
  runtimeVersion: string;
  port: number;
  /** Where the gateway listens inside its network namespace. */
  bind: 'loopback' | 'lan';
  exposure: 'loopback' | 'lan' | 'tailnet';
  /** Rendered files, relative to the state dir; `openclaw.json` is mounted read-only, the rest are seeds. */
  files: Record<string, string>;
  /** Env var names whose values are secrets (never in generated files). */
  secretEnv: string[];
  /** Non-secret env (layout and OpenClaw switches). */
  env: Record<string, string>;
  args: string[];
  resources: { memoryMiB?: number; cpus?: number };
  /** Hosts the gateway needs to reach (models, channels); for egress rules and documentation. */
  egressHosts: string[];
}

/** The gateway process' own env on a container target (values are layout, never secrets). */
export function containerBaseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: CONTAINER_HOME,
    OPENCLAW_STATE_DIR: CONTAINER_STATE_DIR,
    OPENCLAW_CONFIG_PATH: `${CONTAINER_CONFIG_DIR}/${CONTAINER_CONFIG_FILE}`,
    OPENCLAW_CONFIG_READONLY: '1',
    OPENCLAW_NO_RESPAWN: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_NO_AUTO_UPDATE: '1',
    OPENCLAW_SUPERVISOR_MODE: 'external',
    ...extra,
  };
}

export function gatewayArgs(port: number, bind: 'loopback' | 'lan'): string[] {
  // Flags win over openclaw.json: a pod's own network namespace is the boundary, so it binds lan there.
  return ['gateway', 'run', '--port', String(port), '--bind', bind];
}

/** Seed files (everything but openclaw.json): copied into the state volume before the gateway starts. */
export function seedFiles(files: Record<string, string>): [string, string][] {
  return Object.entries(files).filter(([p]) => p !== CONTAINER_CONFIG_FILE).sort(([a], [b]) => a.localeCompare(b));
}

/**
 * A node one-liner that copies seed files from the read-only config mount into the state dir (the
 * official image has node but maybe no shell). Each entry is [name under the config mount,
 * path relative to the state dir]; both come from `seedFiles`, JSON-encoded into the script.
 */
export function seedScript(entries: [string, string][], chownTo?: number): string {
  return [
    "const fs=require('fs'),path=require('path');",
    `const src=${JSON.stringify(CONTAINER_CONFIG_DIR)},dst=${JSON.stringify(CONTAINER_STATE_DIR)};`,
    `for(const [s,p] of ${JSON.stringify(entries)}){const t=path.join(dst,p);fs.mkdirSync(path.dirname(t),{recursive:true});fs.copyFileSync(path.join(src,s),t);}`,
    chownTo === undefined ? '' : `(function own(d){fs.chownSync(d,${chownTo},${chownTo});for(const e of fs.readdirSync(d,{withFileTypes:true})){const f=path.join(d,e.name);if(e.isDirectory())own(f);else fs.chownSync(f,${chownTo},${chownTo});}})(dst);`,
  ].join('');
}

export interface ContainerSpecInput {
  effective: EffectiveGateway;
  files: Record<string, string>;
  envNames: string[];
  /** Pod network: 'pod' (own netns, bind lan) or 'host' (host netns, bind loopback). */
  network: 'pod' | 'host';
  imageOverride?: string;
  extraEnv?: Record<string, string>;
}

export function buildGatewayContainer(input: ContainerSpecInput): GatewayContainerSpec {
  const g = input.effective;
  // Host network: the host's loopback unless the fleet exposes the gateway (exposure lan/tailnet,
  // which preflight only allows with policy exposure.allowRemote). Pod network: the pod is the boundary.
  const bind = input.network === 'host' && g.spec.exposure === 'loopback' ? 'loopback' : 'lan';
  const spec: GatewayContainerSpec = {
    org: g.org,
    gateway: g.name,
    image: input.imageOverride ?? g.target.image ?? defaultGatewayImage(g.runtime.version),
    runtimeVersion: g.runtime.version,
    port: g.port,
    bind,
    exposure: g.spec.exposure,
    files: input.files,
    secretEnv: [...new Set(input.envNames)].sort(),
    env: containerBaseEnv(input.extraEnv),
    args: gatewayArgs(g.port, bind),
    resources: { ...(g.spec.resources ?? {}) },
    egressHosts: egressHostsFor(g),
  };
  if (g.group) spec.group = g.group;
  return spec;
}
