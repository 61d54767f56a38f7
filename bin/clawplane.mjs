#!/usr/bin/env node
// The `clawplane` command. Runs the TypeScript CLI on Node 24 (type stripping), fetching Node 24
// into .tools/node24 first when this Node is older.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src', 'cli', 'main.ts');
if (Number(process.versions.node.split('.')[0]) >= 24) {
  const { runCli } = await import(entry);
  process.exitCode = await runCli(process.argv.slice(2));
} else {
  const { ensureNode24, envWithNode } = await import('../scripts/bootstrap.mjs');
  const node = ensureNode24();
  const res = spawnSync(node, [entry, ...process.argv.slice(2)], { stdio: 'inherit', env: envWithNode(node) });
  process.exit(res.status ?? 1);
}
