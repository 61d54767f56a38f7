// Runtime versions on the local host: <runtimesDir>/<kind>/<version>/node_modules/<package>.
// The same layout is pre-filled by scripts/bootstrap.mjs. Installs go to a temp dir beside the
// target and are renamed into place, so a half-finished install never looks installed.
// removeRuntime does NOT check whether a gateway still uses the version: that is the caller's job.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type RuntimeKind = 'openclaw';

const PACKAGES: Record<RuntimeKind, string> = { openclaw: 'openclaw' };
const VERSION_RE = /^[0-9]{1,6}\.[0-9]{1,6}\.[0-9]{1,6}(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?$/;

export interface InstalledRuntime {
  kind: RuntimeKind;
  version: string;
  dir: string;
  /** Entry script, e.g. …/node_modules/openclaw/openclaw.mjs */
  entry: string;
}

/** Exact versions only (`2026.9.6`, `2026.9.6-beta.1`): no ranges, tags, paths or URLs. */
export function isValidRuntimeVersion(version: string): boolean {
  return VERSION_RE.test(version);
}

function assertKind(kind: string): asserts kind is RuntimeKind {
  if (!Object.hasOwn(PACKAGES, kind)) throw new Error(`unknown runtime kind: ${JSON.stringify(kind)}`);
}

function assertVersion(version: string): void {
  if (!isValidRuntimeVersion(version)) throw new Error(`invalid runtime version: ${JSON.stringify(version)}`);
}

export function runtimeDir(runtimesDir: string, kind: RuntimeKind, version: string): string {
  assertKind(kind);
  assertVersion(version);
  return join(runtimesDir, kind, version);
}

function entryFor(dir: string, kind: RuntimeKind): string {
  return join(dir, 'node_modules', PACKAGES[kind], `${PACKAGES[kind]}.mjs`);
}

async function installedVersion(dir: string, kind: RuntimeKind): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'node_modules', PACKAGES[kind], 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-4000); });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args[0] ?? ''} failed (${signal ?? code}): ${stderr.trim().slice(-1500)}`));
    });
  });
}

export interface InstallOptions {
  /** Node 24 binary; its directory goes first on PATH for npm and install scripts. */
  nodePath: string;
  /** npm CLI; default `<dir of nodePath>/npm` when present, else `npm` from PATH. */
  npmPath?: string;
  /** Base PATH after the node dir. */
  systemPath?: string;
  /**
   * Env for npm: HOME (user npmrc: registry, cafile), HTTPS_PROXY, NODE_EXTRA_CA_CERTS,
   * npm_config_*. Nothing is inherited implicitly; PATH is always set here.
   */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Install `<kind>@<version>` (idempotent). Returns whether it installed anything. */
export async function installRuntime(
  runtimesDir: string, kind: RuntimeKind, version: string, opts: InstallOptions,
): Promise<InstalledRuntime & { installed: boolean }> {
  const dir = runtimeDir(runtimesDir, kind, version);
  const result = { kind, version, dir, entry: entryFor(dir, kind) };
  if ((await installedVersion(dir, kind)) === version) return { ...result, installed: false };

  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${version}.installing-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  const nodeDir = dirname(opts.nodePath);
  const env: Record<string, string> = {
    npm_config_update_notifier: 'false',
    ...opts.env,
    PATH: `${nodeDir}:${opts.systemPath ?? '/usr/local/bin:/usr/bin:/bin'}`,
  };
  if (!env.HOME) {
    // No user npmrc/cache given: private HOME, shared cache beside the runtimes.
    env.HOME = tmp;
    env.npm_config_cache ??= join(runtimesDir, '.npm-cache');
  }
  try {
    await run(
      opts.npmPath ?? (existsSync(join(nodeDir, 'npm')) ? join(nodeDir, 'npm') : 'npm'),
      ['install', '--no-audit', '--no-fund', '--save-exact', '--prefix', tmp, `${PACKAGES[kind]}@${version}`],
      env, opts.timeoutMs ?? 15 * 60_000,
    );
    const got = await installedVersion(tmp, kind);
    if (got !== version) throw new Error(`installed ${PACKAGES[kind]} reports version ${got ?? 'none'}, expected ${version}`);
    await rm(join(tmp, '.npm'), { recursive: true, force: true });
    // Replace a broken earlier install, if any.
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { ...result, installed: true };
}

/** Installed (complete) runtime versions, sorted. */
export async function listRuntimes(runtimesDir: string, kind: RuntimeKind = 'openclaw'): Promise<InstalledRuntime[]> {
  assertKind(kind);
  let names: string[];
  try {
    names = await readdir(join(runtimesDir, kind));
  } catch {
    return [];
  }
  const out: InstalledRuntime[] = [];
  for (const version of names.filter(isValidRuntimeVersion)) {
    const dir = join(runtimesDir, kind, version);
    if ((await installedVersion(dir, kind)) === version) out.push({ kind, version, dir, entry: entryFor(dir, kind) });
  }
  return out.sort((a, b) => compareVersions(a.version, b.version));
}

/** Delete an installed version. Refusing while gateways use it is the caller's job. */
export async function removeRuntime(runtimesDir: string, kind: RuntimeKind, version: string): Promise<boolean> {
  const dir = runtimeDir(runtimesDir, kind, version);
  if (!existsSync(dir)) return false;
  await rm(dir, { recursive: true, force: true });
  return true;
}

/** Pure: numeric comparison of `a.b.c[-pre]` (a prerelease sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const [ca = '', pa] = a.split('-', 2);
  const [cb = '', pb] = b.split('-', 2);
  const na = ca.split('.').map(Number);
  const nb = cb.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (na[i] ?? 0) - (nb[i] ?? 0);
    if (d !== 0) return d;
  }
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  return pa < pb ? -1 : 1;
}
