// Regenerates schemas/openclaw-<version>.schema.json from the pinned OpenClaw runtimes by running
// `openclaw config schema` in an isolated HOME/state dir. Run with `npm run schema`.
//
// One normalisation is applied: some plugin config schemas are embedded with their own local
// `$defs` and refer to them as `#/$defs/x`, which under draft-07 would resolve against the root.
// Those refs are rewritten to the absolute JSON pointer of the embedded `$defs`, so that ajv (and
// any other standard validator) resolves them exactly as OpenClaw does. Nothing else is changed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtimesDir = process.env.CLAWPLANE_RUNTIMES_DIR ?? join(root, '.tools', 'runtimes');
const pins = JSON.parse(readFileSync(join(root, 'openclaw-versions.json'), 'utf8')) as { default: string; supported: string[] };
const only = process.argv.slice(2);
// Default: every supported version that is installed (the pinned default must be).
const versions = only.length > 0 ? only : pins.supported;

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Rewrite `#/$defs/x` inside nested schemas that carry their own `$defs` to absolute pointers. */
export function normaliseLocalDefs(node: unknown, pointer = '#', defsBase: string | undefined = undefined): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => normaliseLocalDefs(v, `${pointer}/${i}`, defsBase));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  let base = defsBase;
  if (pointer !== '#' && obj.$defs && typeof obj.$defs === 'object') base = `${pointer}/$defs`;
  if (typeof obj.$ref === 'string' && base && obj.$ref.startsWith('#/$defs/')) obj.$ref = `${base}/${obj.$ref.slice('#/$defs/'.length)}`;
  for (const [k, v] of Object.entries(obj)) normaliseLocalDefs(v, `${pointer}/${escapePointer(k)}`, base);
}

for (const version of versions) {
  const entry = join(runtimesDir, 'openclaw', version, 'node_modules', 'openclaw', 'openclaw.mjs');
  if (!existsSync(entry)) {
    if (version === pins.default || only.length > 0) {
      process.stderr.write(`openclaw ${version} is not installed at ${entry}\n`);
      process.exit(1);
    }
    process.stderr.write(`skipping openclaw ${version}: not installed\n`);
    continue;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'clawplane-schema-'));
  try {
    const state = join(scratch, 'state');
    const res = spawnSync(process.execPath, [entry, 'config', 'schema'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: join(scratch, 'home'),
        OPENCLAW_STATE_DIR: state,
        OPENCLAW_CONFIG_PATH: join(state, 'openclaw.json'),
        OPENCLAW_OFFLINE: '1',
        OPENCLAW_NO_AUTO_UPDATE: '1',
      },
    });
    if (res.status !== 0) {
      process.stderr.write(`openclaw ${version}: config schema failed (exit ${res.status}): ${res.stderr}\n`);
      process.exit(1);
    }
    const schema = JSON.parse(res.stdout) as Record<string, unknown>;
    normaliseLocalDefs(schema);
    const out = join(root, 'schemas', `openclaw-${version}.schema.json`);
    writeFileSync(out, `${JSON.stringify(schema, null, 1)}\n`);
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// The fleet-file schema (for editors: `# yaml-language-server: $schema=…/schemas/fleet.schema.json`).
{
  const { fleetJsonSchema } = await import('../src/core/fleet-schema.ts');
  writeFileSync(join(root, 'schemas', 'fleet.schema.json'), `${JSON.stringify(fleetJsonSchema(), null, 2)}\n`);
  process.stderr.write('wrote schemas/fleet.schema.json\n');
}
