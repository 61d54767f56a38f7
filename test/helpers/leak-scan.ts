// Test helper: find files that contain a secret in plain text, base64 (standard or url-safe, at any
// byte alignment), hex (lower or upper case) or JSON-escaped form. End-to-end tests use it to prove
// that nothing under a data/state directory stores a secret in the clear.
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface ScanOptions {
  /** Ignore inputs that do not exist (default false: a missing input throws, so a test cannot pass vacuously). */
  allowMissing?: boolean;
}

/** Encoded forms of `secret` to look for. Base64 fragments are those fully determined by the secret's bytes. */
export function secretNeedles(secret: string): Buffer[] {
  const raw = Buffer.from(secret, 'utf8');
  if (raw.length === 0) throw new Error('scanForSecret: empty secret');
  const forms = new Set<string>();
  forms.add(raw.toString('hex'));
  forms.add(raw.toString('hex').toUpperCase());
  const jsonEscaped = JSON.stringify(secret).slice(1, -1);
  if (jsonEscaped !== secret) forms.add(jsonEscaped);
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64').replace(/=+$/, '');
    const start = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + raw.length) * 8) / 6);
    const fragment = encoded.slice(start, end);
    // Short fragments would match by chance; a secret that short is only searched for raw and in hex.
    if (fragment.length >= 8) {
      forms.add(fragment);
      forms.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [raw, ...[...forms].map((f) => Buffer.from(f, 'utf8'))];
}

async function collectFiles(path: string, out: Set<string>, seenDirs: Set<string>): Promise<void> {
  let info;
  try {
    info = await lstat(path);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return; // vanished while walking
    throw e;
  }
  if (info.isSymbolicLink()) {
    // Follow links to files; links to directories are followed once (cycle-safe).
    const target = await stat(path).catch(() => undefined);
    if (!target) return;
    if (target.isFile()) out.add(await realpath(path));
    else if (target.isDirectory()) await walkDir(await realpath(path), out, seenDirs);
    return;
  }
  if (info.isFile()) out.add(path);
  else if (info.isDirectory()) await walkDir(path, out, seenDirs);
}

async function walkDir(dir: string, out: Set<string>, seenDirs: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (seenDirs.has(real)) return;
  seenDirs.add(real);
  const entries = await readdir(dir).catch((e: unknown) => {
    if ((e as { code?: unknown }).code === 'ENOENT') return [] as string[];
    throw e;
  });
  for (const entry of entries) await collectFiles(join(dir, entry), out, seenDirs);
}

/**
 * Returns the sorted absolute paths of files under `dirsOrFiles` that contain `secret` in any
 * form of `secretNeedles`. An empty list means no plain-text leak.
 */
export async function scanForSecret(dirsOrFiles: readonly string[], secret: string, options: ScanOptions = {}): Promise<string[]> {
  const needles = secretNeedles(secret);
  const files = new Set<string>();
  const seenDirs = new Set<string>();
  for (const input of dirsOrFiles) {
    const path = resolve(input);
    const exists = await lstat(path).then(
      () => true,
      () => false,
    );
    if (!exists) {
      if (options.allowMissing) continue;
      throw new Error(`scanForSecret: ${path} does not exist`);
    }
    await collectFiles(path, files, seenDirs);
  }
  const hits: string[] = [];
  for (const file of files) {
    const content = await readFile(file).catch((e: unknown) => {
      if ((e as { code?: unknown }).code === 'ENOENT') return undefined;
      throw e;
    });
    if (content && needles.some((n) => content.includes(n))) hits.push(file);
  }
  return hits.sort();
}
