#!/usr/bin/env node
// Entry for every npm script: works on Node 20 (the machine's), fetches Node 24 when needed,
// then runs the task with Node 24. Usage: node scripts/run.mjs <task> [args...]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ROOT, RUNTIMES_DIR, ensureDeps, ensureNode24, ensureOpenClaw, envWithNode, pinnedOpenClawVersions,
} from './bootstrap.mjs';

const [task = 'test', ...rest] = process.argv.slice(2);
const node = ensureNode24();
ensureDeps(node);
const env = envWithNode(node, { CLAWPLANE_RUNTIMES_DIR: process.env.CLAWPLANE_RUNTIMES_DIR ?? RUNTIMES_DIR });
const bin = (pkg, file) => join(ROOT, 'node_modules', pkg, file);

function step(args, extraEnv = {}) {
  const res = spawnSync(node, args, { stdio: 'inherit', cwd: ROOT, env: { ...env, ...extraEnv } });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

function ensureRuntimes() {
  const pins = pinnedOpenClawVersions();
  for (const v of pins.supported) ensureOpenClaw(node, v);
}

switch (task) {
  case 'start':
    ensureRuntimes();
    step(['bin/clawplane.mjs', 'up', ...rest]);
    break;
  case 'test':
    ensureRuntimes();
    step([bin('typescript', 'bin/tsc'), '--noEmit', '-p', '.']);
    step([bin('eslint', 'bin/eslint.js'), '.']);
    step([bin('dependency-cruiser', 'bin/dependency-cruiser.mjs'), '--config', '.dependency-cruiser.cjs', 'src']);
    step([bin('vitest', 'vitest.mjs'), 'run', ...rest]);
    break;
  case 'vitest':
    ensureRuntimes();
    step([bin('vitest', 'vitest.mjs'), ...rest]);
    break;
  case 'check':
    step([bin('typescript', 'bin/tsc'), '--noEmit', '-p', '.']);
    step([bin('eslint', 'bin/eslint.js'), '.']);
    step([bin('dependency-cruiser', 'bin/dependency-cruiser.mjs'), '--config', '.dependency-cruiser.cjs', 'src']);
    break;
  case 'bench':
    ensureRuntimes();
    step(['bench/run.ts', ...rest]);
    break;
  case 'schema':
    ensureRuntimes();
    step(['scripts/generate-schemas.ts', ...rest]);
    break;
  case 'images': {
    // Local OpenClaw images for the docker target (no registry): the default version into Docker
    // Engine and Podman, the other supported versions into Docker Engine. Skipped per engine when
    // its socket does not answer (see .ci/container-runtimes.sh).
    ensureRuntimes();
    const pins = pinnedOpenClawVersions();
    for (const v of pins.supported) {
      step(['src/cli/main.ts', 'runtime', 'image', 'build', `openclaw@${v}`, '--engine', v === pins.default ? 'all' : 'docker', ...rest]);
    }
    break;
  }
  case 'node':
    step(rest);
    break;
  default:
    process.stderr.write(`unknown task "${task}"\n`);
    process.exit(2);
}
