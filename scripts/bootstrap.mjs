// Bootstrap helpers that run on any Node >= 20: fetch Node 24 from the npm registry into a
// private prefix (never touching /usr/bin/node) and pre-install pinned OpenClaw runtimes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS = join(ROOT, '.tools');
export const NODE_PREFIX = join(TOOLS, 'node24');
export const RUNTIMES_DIR = join(TOOLS, 'runtimes');

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit ${res.status ?? res.signal}`);
  }
}

export function nodeMajor(bin) {
  const res = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return res.status === 0 ? Number(res.stdout.trim().split('.')[0]) : 0;
}

/** Absolute path of a Node 24 binary, installing it into .tools/node24 when missing. */
export function ensureNode24() {
  if (Number(process.versions.node.split('.')[0]) === 24) return process.execPath;
  const bin = join(NODE_PREFIX, 'bin', 'node');
  if (existsSync(bin) && nodeMajor(bin) === 24) return bin;
  mkdirSync(NODE_PREFIX, { recursive: true });
  process.stderr.write('clawplane: installing Node 24 into .tools/node24 (npm registry package "node@24")\n');
  run('npm', ['install', '-g', '--no-audit', '--no-fund', '--prefix', NODE_PREFIX, 'node@24']);
  if (nodeMajor(bin) !== 24) throw new Error(`Node 24 install at ${bin} did not work`);
  return bin;
}

export function envWithNode(nodeBin, extra = {}) {
  return { ...process.env, PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}`, ...extra };
}

/** npm dependencies present? (README command 1 and 2 run `npm install` first; CI too.) */
export function ensureDeps(nodeBin) {
  if (existsSync(join(ROOT, 'node_modules', 'zod', 'package.json'))) return;
  run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, env: envWithNode(nodeBin) });
}

export function pinnedOpenClawVersions() {
  const pins = JSON.parse(readFileSync(join(ROOT, 'openclaw-versions.json'), 'utf8'));
  return pins;
}

/** Pre-install an OpenClaw version in the same layout `clawplane runtime install` uses. */
export function ensureOpenClaw(nodeBin, version, runtimesDir = RUNTIMES_DIR) {
  const dir = join(runtimesDir, 'openclaw', version);
  const marker = join(dir, 'node_modules', 'openclaw', 'package.json');
  if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).version === version) return dir;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`clawplane: installing openclaw@${version} into ${dir}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--save-exact', '--prefix', dir, `openclaw@${version}`], {
    env: envWithNode(nodeBin),
  });
  return dir;
}
