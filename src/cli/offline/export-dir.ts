// Writing an export into --out safely: every path stays inside the directory; an existing
// non-empty directory is only written when it holds an earlier export of the same kind (marker
// file) or with --force; files of the earlier export that are no longer generated are removed.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';

export const MARKER = '.clawplane-export.json';

export class ExportDirError extends Error {}

interface Marker {
  kind: string;
  files: string[];
}

function readMarker(dir: string): Marker | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Partial<Marker>;
    return typeof m.kind === 'string' && Array.isArray(m.files) ? { kind: m.kind, files: m.files.filter((f): f is string => typeof f === 'string') } : undefined;
  } catch {
    return undefined;
  }
}

function inside(dir: string, rel: string): string {
  if (rel === '' || isAbsolute(rel) || rel.includes('\0') || rel.split(/[\\/]/).includes('..')) throw new ExportDirError(`refusing to write "${rel}": not a relative path inside the output directory`);
  const full = normalize(join(dir, rel));
  if (!full.startsWith(dir + sep)) throw new ExportDirError(`refusing to write "${rel}": it leaves the output directory`);
  return full;
}

/** Returns the written paths (absolute). Throws ExportDirError with a message for the user. */
export function writeExportDir(outDir: string, kind: string, files: Record<string, string>, opts: { force?: boolean } = {}): string[] {
  const dir = resolve(outDir);
  if (existsSync(dir)) {
    const st = lstatSync(dir);
    if (!st.isDirectory()) throw new ExportDirError(`--out ${outDir} exists and is not a directory`);
    const entries = readdirSync(dir);
    const marker = readMarker(dir);
    if (entries.length > 0 && !opts.force) {
      if (!marker) throw new ExportDirError(`--out ${outDir} is not empty and holds no earlier clawplane export; choose an empty directory or pass --force`);
      if (marker.kind !== kind) throw new ExportDirError(`--out ${outDir} holds a "${marker.kind}" export, not "${kind}"; choose another directory or pass --force`);
    }
    // Remove what the earlier export of the same kind wrote and this one does not (never anything else).
    for (const old of marker?.kind === kind ? marker.files : []) {
      if (Object.hasOwn(files, old)) continue;
      try {
        rmSync(inside(dir, old), { force: true });
      } catch {
        // a bad path in a tampered marker is ignored
      }
    }
  }
  const paths = Object.keys(files).map((rel) => [rel, inside(dir, rel)] as const);
  for (const [, full] of paths) {
    // Never write through a symlink planted in the output directory.
    if (existsSync(full) && lstatSync(full).isSymbolicLink()) throw new ExportDirError(`refusing to write ${full}: it is a symlink`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const written: string[] = [];
  for (const [rel, full] of paths) {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, files[rel] ?? '', { mode: 0o644 });
    written.push(full);
  }
  writeFileSync(join(dir, MARKER), `${JSON.stringify({ kind, files: Object.keys(files).sort() }, null, 2)}\n`);
  return written;
}
