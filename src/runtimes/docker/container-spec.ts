// Pure: the Engine API create options of one gateway container. Hardened like OpenClaw's tenant
// cells: all capabilities dropped, no-new-privileges, an init process, pids/memory/CPU limits,
// non-root user, read-only root filesystem, config bind-mounted read-only, state on a named
// volume, host networking (the gateway binds loopback only). Ownership labels let a driver find
// its own containers again and never touch anything else.
import type { ContainerCreateOptions } from 'dockerode';
import { DEFAULT_OPENCLAW_IMAGE, resolveImageRef } from '../../core/image-ref.ts';
import type { GatewayDeployment } from '../../core/ports/runtime.ts';

export const LABEL_MANAGED = 'clawplane.dev/managed';
export const LABEL_OWNER = 'clawplane.dev/owner';
export const LABEL_ORG = 'clawplane.dev/org';
export const LABEL_GATEWAY = 'clawplane.dev/gateway';
export const LABEL_ID = 'clawplane.dev/id';
export const LABEL_SPEC_HASH = 'clawplane.dev/spec-hash';
export const LABEL_PORT = 'clawplane.dev/port';
export const LABEL_VERSION = 'clawplane.dev/runtime-version';
/** On one-shot task containers (runtime CLI, state restore) instead of LABEL_ID: never taken for the gateway. */
export const LABEL_TASK_OF = 'clawplane.dev/task-of';

export const CONTAINER_STATE_DIR = '/home/node/.openclaw';
export const CONTAINER_CONFIG_DIR = '/etc/openclaw';
export const CONFIG_FILE = 'openclaw.json';
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ContainerDefaults {
  /** Image template when the deployment names none (default ghcr.io/openclaw/openclaw:{version}). */
  image?: string;
  memoryMiB?: number;
  cpus?: number;
  pidsLimit?: number;
  graceMs?: number;
  skipChannels?: boolean;
  baseEnv?: Record<string, string>;
  /** Docker Engine only: json-file log rotation (Podman's compat API manages its own logs). */
  logRotation?: boolean;
}

export const DEFAULT_LIMITS = { memoryMiB: 2048, cpus: 2, pidsLimit: 1024 };

/** `owner` (8+ hex chars of the control plane's driver id) keeps two control planes on one engine apart. */
export function containerName(owner: string, id: string): string {
  return `clawplane-${owner.slice(0, 8)}-${id}`;
}

export function volumeName(owner: string, id: string): string {
  return `${containerName(owner, id)}-state`;
}

export function ownerLabels(owner: string, d: Pick<GatewayDeployment, 'id' | 'org' | 'gateway'>): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_OWNER]: owner, [LABEL_ID]: d.id, [LABEL_ORG]: d.org, [LABEL_GATEWAY]: d.gateway };
}

export function imageFor(d: Pick<GatewayDeployment, 'image' | 'runtime'>, defaults: Pick<ContainerDefaults, 'image'>): string {
  return resolveImageRef(d.image ?? defaults.image ?? DEFAULT_OPENCLAW_IMAGE, d.runtime.version);
}

/** Environment: a clean base plus deployment.env; control variables always win. */
export function containerEnv(d: Pick<GatewayDeployment, 'env'>, defaults: ContainerDefaults): string[] {
  const env: Record<string, string> = {};
  for (const [k, v] of [...Object.entries(defaults.baseEnv ?? {}), ...Object.entries(d.env)]) {
    if (!ENV_NAME_RE.test(k)) throw new Error(`invalid env var name: ${JSON.stringify(k)}`);
    env[k] = v;
  }
  Object.assign(env, {
    HOME: '/home/node',
    OPENCLAW_STATE_DIR: CONTAINER_STATE_DIR,
    OPENCLAW_CONFIG_PATH: `${CONTAINER_CONFIG_DIR}/${CONFIG_FILE}`,
    OPENCLAW_NO_RESPAWN: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_NO_AUTO_UPDATE: '1',
    OPENCLAW_SUPERVISOR_MODE: 'external',
    OPENCLAW_CONFIG_READONLY: '1',
    NO_COLOR: '1',
  });
  if (defaults.skipChannels) env.OPENCLAW_SKIP_CHANNELS = '1';
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

export function buildContainerSpec(
  d: GatewayDeployment, args: { owner: string; configDir: string; defaults: ContainerDefaults; backupDir?: string },
): ContainerCreateOptions {
  if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) throw new Error(`invalid port: ${d.port}`);
  const { defaults } = args;
  const memoryMiB = d.resources?.memoryMiB ?? defaults.memoryMiB ?? DEFAULT_LIMITS.memoryMiB;
  const cpus = d.resources?.cpus ?? defaults.cpus ?? DEFAULT_LIMITS.cpus;
  const memory = memoryMiB * 1024 * 1024;
  return {
    name: containerName(args.owner, d.id),
    Image: imageFor(d, defaults),
    Cmd: ['gateway', 'run', '--port', String(d.port), '--bind', 'loopback'],
    Env: containerEnv(d, defaults),
    User: '1000:1000',
    WorkingDir: '/home/node',
    Labels: {
      ...ownerLabels(args.owner, d),
      [LABEL_SPEC_HASH]: d.specHash, [LABEL_PORT]: String(d.port), [LABEL_VERSION]: d.runtime.version,
    },
    StopSignal: 'SIGTERM',
    StopTimeout: Math.ceil((defaults.graceMs ?? 20_000) / 1000),
    HostConfig: {
      NetworkMode: 'host',
      Init: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      // OpenClaw makes its private temp dir under ~/.cache (Podman's tmpfs takes no uid= option: sticky 1777).
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=256m', '/home/node/.cache': 'rw,nosuid,nodev,size=64m,mode=1777' },
      PidsLimit: defaults.pidsLimit ?? DEFAULT_LIMITS.pidsLimit,
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: Math.round(cpus * 1e9),
      RestartPolicy: { Name: 'no' },
      // The host's backup dir of this gateway at the same path: archives made by `openclaw backup
      // create` inside the container land on the host (ADR 0013).
      Binds: [`${args.configDir}:${CONTAINER_CONFIG_DIR}:ro`, ...(args.backupDir ? [`${args.backupDir}:${args.backupDir}`] : [])],
      Mounts: [{ Type: 'volume', Source: volumeName(args.owner, d.id), Target: CONTAINER_STATE_DIR }],
      ...(defaults.logRotation ? { LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } } } : {}),
    },
  };
}

export interface TaskArgs {
  owner: string;
  /** Gateway id the task belongs to. */
  id: string;
  /** Unique suffix of the task container's name. */
  suffix: string;
  image: string;
}

function taskLabels(a: TaskArgs, d: Pick<GatewayDeployment, 'org' | 'gateway'>): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_OWNER]: a.owner, [LABEL_TASK_OF]: a.id, [LABEL_ORG]: d.org, [LABEL_GATEWAY]: d.gateway };
}

/**
 * A one-shot container running the runtime's CLI (`args` after the image's entrypoint) the way the
 * gateway runs: same image template, env, mounts (config, state volume, backup dir), limits and
 * hardening; no gateway labels, so nothing takes it for the gateway.
 */
export function buildExecTaskSpec(
  d: GatewayDeployment, args: TaskArgs & { configDir: string; backupDir: string; cmd: string[]; defaults: ContainerDefaults },
): ContainerCreateOptions {
  const base = buildContainerSpec(d, { owner: args.owner, configDir: args.configDir, defaults: args.defaults, backupDir: args.backupDir });
  return {
    ...base,
    name: `${containerName(args.owner, args.id)}-${args.suffix}`,
    Image: args.image,
    Cmd: args.cmd,
    Labels: taskLabels(args, d),
    HostConfig: base.HostConfig,
  };
}

/** Restore script (node, inside the restore container): extract, check, swap the state contents. */
export const RESTORE_SCRIPT = `
const fs = require('node:fs'), path = require('node:path'), cp = require('node:child_process');
const [archive, state] = process.argv.slice(1);
const stage = path.join(state, '.clawplane-restore');
const clean = () => fs.rmSync(stage, { recursive: true, force: true });
clean();
fs.mkdirSync(stage, { mode: 0o700 });
const r = cp.spawnSync('/bin/tar', ['-xzf', archive, '-C', stage], { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) { clean(); console.error('tar exited ' + r.status); process.exit(2); }
const src = fs.readdirSync(stage).map((d) => path.join(stage, d, 'payload', 'posix', state)).find((d) => fs.existsSync(d) && fs.statSync(d).isDirectory());
if (!src) { clean(); console.error('the archive holds no copy of ' + state); process.exit(3); }
for (const e of fs.readdirSync(state)) if (e !== '.clawplane-restore') fs.rmSync(path.join(state, e), { recursive: true, force: true });
for (const e of fs.readdirSync(src)) fs.renameSync(path.join(src, e), path.join(state, e));
clean();
console.log(JSON.stringify({ restored: fs.readdirSync(state).length }));
`;

/**
 * A one-shot container that replaces the contents of the gateway's state volume with the state dir
 * saved in an `openclaw backup create` archive (<root>/payload/posix/<state dir>/…). No network, no
 * capabilities, user 1000, read-only root, the archive mounted read-only.
 */
export function buildRestoreTaskSpec(
  d: Pick<GatewayDeployment, 'org' | 'gateway'>, args: TaskArgs & { archive: string },
): ContainerCreateOptions {
  return {
    name: `${containerName(args.owner, args.id)}-${args.suffix}`,
    Image: args.image,
    Entrypoint: ['/usr/local/bin/node', '-e', RESTORE_SCRIPT],
    Cmd: [args.archive, CONTAINER_STATE_DIR],
    Env: ['HOME=/home/node', 'NO_COLOR=1'],
    User: '1000:1000',
    WorkingDir: '/home/node',
    Labels: taskLabels(args, d),
    HostConfig: {
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
      PidsLimit: 64,
      Memory: 512 * 1024 * 1024,
      MemorySwap: 512 * 1024 * 1024,
      RestartPolicy: { Name: 'no' },
      Binds: [`${args.archive}:${args.archive}:ro`],
      Mounts: [{ Type: 'volume', Source: volumeName(args.owner, args.id), Target: CONTAINER_STATE_DIR }],
    },
  };
}
